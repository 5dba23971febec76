// The work orders a screen shows (the wall's board, the engineer's own on the phone), kept current
// from the socket's `workorder` events (CONTRACT.md §4), and the actions on them. The list changes
// from the answer or the event, whichever comes first; a later `updatedAt` always wins.
import { SvelteMap } from 'svelte/reactivity'
import { errorText } from '../i18n/errors.js'
import { dutyApi, type NewWorkOrder, type WorkOrderAction } from '../api/duty-api.js'
import type { WorkOrder, WorkOrderStatus } from '../api/types.js'
import { BOARD_STATUSES } from '../work-order-view.js'

export class WorkOrderDesk {
  byId = new SvelteMap<string, WorkOrder>()
  /** The work order whose drawer is open, with its history once fetched. */
  openId = $state<string | null>(null)
  detail = $state<WorkOrder | null>(null)
  busy = $state(false)
  /** The last action's failure, in words, shown where the action was taken. */
  error = $state<string | null>(null)

  list = $derived([...this.byId.values()].sort((a, b) => a.priority - b.priority || a.createdAt.localeCompare(b.createdAt)))
  byStatus = $derived.by(() => {
    const out = Object.fromEntries(BOARD_STATUSES.map((s) => [s, [] as WorkOrder[]])) as Record<WorkOrderStatus, WorkOrder[]>
    for (const wo of this.list) out[wo.status]?.push(wo)
    return out
  })

  constructor(
    private readonly token: () => string | null,
    private readonly onError: (err: unknown) => void,
    /** Which work orders belong on this screen (the phone: assigned to me). */
    private readonly keep: (wo: WorkOrder) => boolean = () => true,
  ) {}

  async load(query: { siteId?: string | null; assignee?: string }): Promise<void> {
    const token = this.token()
    if (!token) return
    try {
      const items = await dutyApi.workOrders(token, { ...query, status: BOARD_STATUSES.join(',') })
      this.byId.clear()
      for (const wo of items) if (this.keep(wo)) this.byId.set(wo.id, wo)
    } catch (err) {
      this.onError(err)
    }
  }

  get(id: string): WorkOrder | undefined {
    return this.byId.get(id)
  }

  upsert(wo: WorkOrder): void {
    const before = this.byId.get(wo.id)
    if (before && before.updatedAt > wo.updatedAt) return
    if (this.keep(wo) && BOARD_STATUSES.includes(wo.status)) this.byId.set(wo.id, wo)
    else this.byId.delete(wo.id)
    if (this.detail?.id === wo.id && this.detail.updatedAt <= wo.updatedAt) this.detail = { ...wo, history: wo.history ?? this.detail.history ?? [] }
  }

  async open(id: string): Promise<void> {
    this.openId = id
    this.error = null
    this.detail = this.byId.get(id) ?? null
    const token = this.token()
    if (!token) return
    try {
      const wo = await dutyApi.workOrder(token, id)
      if (this.openId === id) this.detail = wo
    } catch (err) {
      this.onError(err)
    }
  }

  close(): void {
    this.openId = null
    this.detail = null
    this.error = null
  }

  /** Returns whether it went through; the failure is in `error` (and toasted unless a 4xx the form shows). */
  async act(id: string, action: WorkOrderAction, body: object = {}): Promise<boolean> {
    return this.#run(async (token) => {
      this.upsert(await dutyApi.workOrderAction(token, id, action, body))
      if (this.openId === id) void this.open(id)
    })
  }

  async returnVisit(id: string, score: number, note: string): Promise<boolean> {
    return this.#run(async (token) => this.upsert(await dutyApi.returnVisit(token, id, score, note)))
  }

  /** The photo first, then `complete`: the server refuses completion without one (422). */
  async completeWithPhoto(id: string, photo: File, result: string): Promise<boolean> {
    return this.#run(async (token) => {
      await dutyApi.uploadPhoto(token, id, photo, photo.name || 'photo.jpg')
      this.upsert(await dutyApi.workOrderAction(token, id, 'complete', { result }))
    })
  }

  async create(body: NewWorkOrder): Promise<WorkOrder | null> {
    let made: WorkOrder | null = null
    const ok = await this.#run(async (token) => {
      made = await dutyApi.createWorkOrder(token, body)
      this.upsert(made)
    })
    return ok ? made : null
  }

  async #run(fn: (token: string) => Promise<void>): Promise<boolean> {
    const token = this.token()
    if (!token || this.busy) return false
    this.busy = true
    this.error = null
    try {
      await fn(token)
      return true
    } catch (err) {
      this.error = errorText(err)
      this.onError(err)
      return false
    } finally {
      this.busy = false
    }
  }
}
