import type { DiagnosisRule, ServiceId } from "../types.js";

/**
 * One catalog entry, with its cause id and the alternatives its `match` names kept as string literals,
 * so that the built-in ids form the {@link CauseId} union the compiler checks.
 *
 * @param entry - the entry.
 */
export function rule<const Cause extends string, const Alternative extends string = never>(
  entry: DiagnosisRule<Cause, Alternative>,
): DiagnosisRule<NoInfer<Cause>, NoInfer<Alternative>> {
  return entry;
}

/**
 * The entries of one service's folder: each speaks for that service only, and no other service's
 * failure is ever explained by them.
 *
 * @param service - the service the entries speak for.
 * @param entries - the entries, in the order they are tried.
 */
export function forService<const Entries extends readonly DiagnosisRule<string, string>[]>(
  service: ServiceId,
  entries: Entries,
): Entries {
  const services = Object.freeze([service]);
  return entries.map((entry) => ({ ...entry, services })) as unknown as Entries;
}

type CauseOf<Entry> = Entry extends DiagnosisRule<infer Cause, string> ? Cause : never;
type AlternativeOf<Entry> = Entry extends DiagnosisRule<string, infer Alternative> ? Alternative : never;

/** Accepts the entries only when every alternative they name is one of their own causes. */
type AlternativesKnown<Entry> = [Exclude<AlternativeOf<Entry>, CauseOf<Entry>>] extends [never]
  ? unknown
  : { alternativesNotInTheCatalog: Exclude<AlternativeOf<Entry>, CauseOf<Entry>> };

/**
 * The catalog from its entries in the order they are tried, frozen with everything it shares, so
 * that no diagnosis or user can change what later diagnoses say. The compiler refuses an entry whose
 * `match` names an alternative that is not a cause of the catalog.
 *
 * @param entries - every built-in entry, in order.
 */
export function defineCatalog<Entry extends DiagnosisRule<string, string>>(
  entries: readonly Entry[] & AlternativesKnown<Entry>,
): readonly DiagnosisRule<CauseOf<Entry>, CauseOf<Entry>>[] {
  return Object.freeze(
    entries.map((entry) =>
      Object.freeze({
        ...entry,
        remediation: Object.freeze([...entry.remediation]),
        docs: Object.freeze([...entry.docs]),
        ...(entry.statuses ? { statuses: Object.freeze([...entry.statuses]) } : {}),
      }),
    ),
  ) as unknown as readonly DiagnosisRule<CauseOf<Entry>, CauseOf<Entry>>[];
}
