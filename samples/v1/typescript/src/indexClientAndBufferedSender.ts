/**
 * @summary Puts the diagnosis policy on a SearchIndexClient, the SearchClients it creates with
 * `getSearchClient()`, and a SearchIndexingBufferedSender, which sends through the SearchClient it
 * is given. Index management and bulk uploads fail with the same explained errors as queries.
 */
import { SearchIndexClient, SearchIndexingBufferedSender, type SearchIndex } from "@azure/search-documents";
import { diagnose, diagnosisPolicy } from "./azure-sdk-doctor.js";
import { searchService } from "./searchService.js";

interface Hotel {
  hotelId: string;
  hotelName?: string;
}

/** A throw-away index, so the sample never writes into one of yours. */
const sampleIndex: SearchIndex = {
  name: `doctor-sample-${Date.now()}`,
  fields: [
    { name: "hotelId", type: "Edm.String", key: true },
    { name: "hotelName", type: "Edm.String", searchable: true },
  ],
};

async function main(): Promise<void> {
  const { endpoint, credential, close } = await searchService();

  // Given as a client option, the policy is carried to the clients getSearchClient() makes;
  // one added later with pipeline.addPolicy would not be.
  const indexClient = new SearchIndexClient(endpoint, credential, {
    additionalPolicies: [{ policy: diagnosisPolicy(), position: "perCall" }],
  });

  const index = await indexClient.createOrUpdateIndex(sampleIndex);
  console.log(`created index "${index.name}"`);
  try {
    const sender = new SearchIndexingBufferedSender<Hotel>(
      indexClient.getSearchClient<Hotel>(index.name),
      (hotel) => hotel.hotelId,
      { autoFlush: false },
    );
    sender.on("batchSucceeded", (result) => console.log(`uploaded ${result.results.length} document(s)`));
    await sender.uploadDocuments([
      { hotelId: "1", hotelName: "Sample Inn" },
      { hotelId: "2", hotelName: "Sample Lodge" },
    ]);
    await sender.flush();
    await sender.dispose();
  } finally {
    await indexClient.deleteIndex(index.name);
  }

  // A read of an index that does not exist, through the index client.
  try {
    await indexClient.getIndex("missing-index");
  } catch (error) {
    console.log(`\nindexClient.getIndex failed:\n${(error as Error).message}`);
  }

  // A bulk upload to an index that does not exist, through a client getSearchClient() made.
  const lostSender = new SearchIndexingBufferedSender<Hotel>(
    indexClient.getSearchClient<Hotel>("missing-index"),
    (hotel) => hotel.hotelId,
    { autoFlush: false },
  );
  lostSender.on("batchFailed", (error) => console.log(`\nbatchFailed event: ${diagnose(error)?.cause}`));
  await lostSender.uploadDocuments([{ hotelId: "3" }]);
  try {
    await lostSender.flush();
  } catch (error) {
    console.log(`sender.flush failed:\n${(error as Error).message}`);
  }
  await lostSender.dispose();

  await close();
}

main().catch((error) => {
  console.error("The sample encountered an error:", error);
  process.exit(1);
});
