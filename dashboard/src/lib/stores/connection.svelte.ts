// The live link's state, for the indicator in the header.
export type LinkStatus = 'connecting' | 'live' | 'reconnecting'

export class Connection {
  status = $state<LinkStatus>('connecting')
  /** When the link last went down; the indicator says for how long. */
  since = $state<number | null>(null)

  up(): void {
    this.status = 'live'
    this.since = null
  }

  down(): void {
    if (this.status === 'reconnecting') return
    this.status = this.status === 'connecting' ? 'connecting' : 'reconnecting'
    this.since = Date.now()
  }
}
