/**
 * Loads optional peer packages the command needs for one of its features, or says in one line why it
 * cannot: the library itself never imports them.
 *
 * @param load - imports the packages.
 * @param packages - their names, for the message.
 * @param purpose - what needs them, such as `"--entra"`, starting the message.
 * @returns the loaded modules, or the sentence to print.
 */
export async function importOptional<T>(
  load: () => Promise<T>,
  packages: readonly string[],
  purpose: string,
): Promise<T | { missing: string }> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const names = packages.join(", ");
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      const them =
        packages.length === 1
          ? `the ${names} package, which is not installed`
          : `${names}, which are not all installed`;
      return { missing: `${purpose} needs ${them}: run npm install ${packages.join(" ")}.` };
    }
    return {
      missing: `${purpose} could not load ${names}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/**
 * Whether {@link importOptional} could not load the packages.
 *
 * @param loaded - what it returned.
 */
export function isMissing<T>(loaded: T | { missing: string }): loaded is { missing: string } {
  return (
    typeof loaded === "object" && loaded !== null && "missing" in loaded && typeof loaded.missing === "string"
  );
}
