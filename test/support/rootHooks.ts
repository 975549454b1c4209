/**
 * Mocha root hooks. nock intercepts every request from the moment it is imported, and mocha imports
 * all spec files before running any: switch it off once loading is done, so each spec that uses nock
 * turns it on for itself and every other spec gets Node's real transport.
 */
import nock from "nock";

export const mochaHooks = {
  beforeAll(): void {
    if (nock.isActive()) nock.restore();
  },
};
