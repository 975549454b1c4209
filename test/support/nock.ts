/**
 * nock for the specs of one `describe`: on for its tests, with every non-loopback connection refused
 * (a missed interceptor must never reach a real host), and off afterwards so that later specs get
 * Node's real transport back.
 */
import nock from "nock";

/** Registers the hooks in the calling `describe`; call it at the top of the block. */
export function useNock(): void {
  before(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(() => nock.cleanAll());
  after(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    nock.restore();
  });
}
