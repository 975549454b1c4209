/**
 * Root hooks of `npm run test:network`: whatever a failed spec left running is stopped at the end.
 */
import { stopAll } from "./processes.js";

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopAll();
  },
};
