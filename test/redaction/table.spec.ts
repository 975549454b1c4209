import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { REDACTED, redact } from "../../src/redaction/index.js";
import {
  AUTHORIZATION_SCHEMES,
  SECRET_FIELDS,
  SECRET_HEADERS,
  SECRET_PARAMETERS,
} from "../../src/secrets.js";

/** Every entry of the table, in each of the places it stands in: a new entry is tried here too. */
describe("the table of secrets: every entry is redacted wherever it stands", () => {
  const value = "c2VjcmV0LXZhbHVl+/==";

  /** Asserts the value is gone from the text and the text's start, which names it, is kept. */
  function check(text: string, kept: string): void {
    const cleaned = redact(text);
    assert.ok(!cleaned.includes(value), `left in ${cleaned}`);
    assert.ok(cleaned.startsWith(kept) && cleaned.includes(REDACTED), cleaned);
  }

  for (const { name, holds } of SECRET_HEADERS) {
    if (holds === "url") {
      it(`${name}: the secret parameter of the URL it holds`, () => {
        check(`${name}: https://src.blob.core.windows.net/c/b?sv=1&sig=${value}`, `${name}: https://src`);
      });
      continue;
    }
    it(`${name}: as a header line, in JSON, in capitals, in XML`, () => {
      check(`${name}: ${value}\nnext`, `${name}: `);
      check(`{"${name}":"${value}"}`, `{"${name}":"`);
      check(`${name.toUpperCase()}: ${value}`, `${name.toUpperCase()}: `);
      check(`<${name}>${value}</${name}>`, `<${name}>`);
    });
  }

  for (const { name } of SECRET_PARAMETERS) {
    it(`${name}: in a query, URL-encoded, in capitals, in a form body`, () => {
      check(`GET /p?x=1&${name}=${encodeURIComponent(value)}&y=2`, "GET /p?x=1&");
      check(`url=%2Fp%3Fx%3D1%26${name}%3D${encodeURIComponent(value)}`, "url=%2Fp%3Fx%3D1%26");
      check(`GET /p?${name.toUpperCase()}=${value}`, "GET /p?");
      check(`grant_type=x&${name}=${value}`, "grant_type=x&");
    });
  }

  for (const name of SECRET_FIELDS) {
    it(`${name}: in a connection string, JSON, camel case, util.inspect and XML`, () => {
      check(`Endpoint=sb://ns/;${name}=${value};EntityPath=q`, "Endpoint=sb://ns/;");
      check(`{"${name}": "${value}"}`, `{"${name}": "`);
      const camel = name[0]!.toLowerCase() + name.slice(1);
      check(`{ ${camel}: '${value}' }`, `{ ${camel}: '`);
      check(`<d:${name}>${value}</d:${name}>`, `<d:${name}>`);
    });
  }

  const credentials: Record<(typeof AUTHORIZATION_SCHEMES)[number]["credential"], string> = {
    token68: value,
    accountSignature: `myaccount:${value}`,
    parameters: `Credential=id&SignedHeaders=host&Signature=${value}`,
  };
  for (const { scheme, credential } of AUTHORIZATION_SCHEMES) {
    it(`${scheme}: in free text, in lower case, and after a credential header's name`, () => {
      check(`got ${scheme} ${credentials[credential]} back`, `got ${scheme} `);
      check(`got ${scheme.toLowerCase()} ${credentials[credential]} back`, `got ${scheme.toLowerCase()} `);
      check(`Authorization: ${scheme} ${credentials[credential]}`, `Authorization: ${scheme} `);
    });
  }
});

describe("the README says what the table holds", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const section = readme.slice(
    readme.indexOf("## Logging and what is redacted"),
    readme.indexOf("## Across a fleet"),
  );

  it("names every header, parameter and Authorization scheme of the table in its redaction section", () => {
    const names = [
      ...SECRET_HEADERS.map((header) => header.name),
      ...SECRET_PARAMETERS.map((parameter) => parameter.name),
      ...AUTHORIZATION_SCHEMES.map((scheme) => scheme.scheme),
    ];
    const missing = names.filter((name) => !section.toLowerCase().includes(`\`${name.toLowerCase()}`));
    assert.deepEqual(missing, []);
  });
});
