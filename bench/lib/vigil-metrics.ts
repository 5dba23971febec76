// Reads Vigil's Prometheus counters (GET /metrics, CONTRACT.md §3 probes): at QoS 0 there is no
// PUBACK, so what Vigil has taken in is what its ingest counters say.

export interface IngestCounters {
  accepted: number
  rejected: number
  duplicates: number
  /** Everything ingest has finished with: stored, refused or dropped as a duplicate. */
  processed: number
}

function sum(text: string, name: string): number {
  let total = 0
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue
    const rest = line.slice(name.length)
    if (rest[0] !== '{' && rest[0] !== ' ') continue
    const v = Number(line.slice(line.lastIndexOf(' ') + 1))
    if (Number.isFinite(v)) total += v
  }
  return total
}

/** The named series of GET /metrics, summed over their labels (gauges such as heap bytes, backlog). */
export async function readMetrics(http: string, names: readonly string[]): Promise<Record<string, number>> {
  const text = await (await fetch(`${http}/metrics`, { signal: AbortSignal.timeout(10_000) })).text()
  return Object.fromEntries(names.map((n) => [n, sum(text, n)]))
}

export async function readIngestCounters(http: string): Promise<IngestCounters> {
  const text = await (await fetch(`${http}/metrics`, { signal: AbortSignal.timeout(10_000) })).text()
  const accepted = sum(text, 'vigil_ingest_accepted_total')
  const rejected = sum(text, 'vigil_ingest_rejected_total')
  const duplicates = sum(text, 'vigil_ingest_duplicates_total')
  return { accepted, rejected, duplicates, processed: accepted + rejected + duplicates }
}
