// Floor plans on the wall (issue #6 item 8): every plan of the shown sites with its positions,
// the images as blob URLs (fetched with the token), and the admin's edits: a draft of positions
// changed by dragging, saved in one request.
import { SvelteMap } from 'svelte/reactivity'
import { floorPlansApi, type FloorPlan, type FloorPlanPosition } from '../api/floor-plans-api.js'
import type { FloorPlanChange } from '../api/types.js'
import { floorKey as planKey, sameFloor, samePositions, type FloorRef } from '../floor-plan-view.js'

export class FloorPlanBoard {
  plans = $state<FloorPlan[]>([])
  /** The plans each device is placed on: every alarm row asks, so it is one lookup, not a scan. */
  byDevice = $derived.by(() => {
    const out = new Map<string, FloorPlan[]>()
    for (const plan of this.plans) for (const p of plan.positions) out.set(p.deviceId, [...(out.get(p.deviceId) ?? []), plan])
    return out
  })
  loaded = $state(false)
  /** Blob URLs of plan images, by floor; revoked when the plan changes or the board stops. */
  images = new SvelteMap<string, string>()
  /** The admin's unsaved positions for one floor. */
  draft = $state<{ floor: FloorRef; positions: FloorPlanPosition[] } | null>(null)
  busy = $state(false)
  /** The last action's failure in words, shown next to the plan. */
  error = $state<string | null>(null)
  #imageFor = new Map<string, string>()

  constructor(
    private readonly token: () => string | null,
    private readonly onError: (err: unknown) => void,
  ) {}

  async load(siteIds: readonly string[]): Promise<void> {
    const token = this.token()
    if (!token) return
    try {
      const lists = await Promise.all(siteIds.map((s) => floorPlansApi.list(token, s)))
      this.plans = lists.flat()
      this.loaded = true
    } catch (err) {
      this.onError(err)
    }
  }

  /** Another screen's (or this one's) change, from the socket: the floor is redrawn, an edit there kept. */
  apply(change: FloorPlanChange): void {
    if (change.plan) return this.#replace(change.plan)
    this.plans = this.plans.filter((p) => !sameFloor(p, change))
  }

  planOf(floor: FloorRef): FloorPlan | undefined {
    return this.plans.find((p) => sameFloor(p, floor))
  }

  /** The image's blob URL, fetching it once per upload. */
  async image(plan: FloorPlan): Promise<void> {
    const token = this.token()
    const key = planKey(plan)
    const version = `${plan.uploadedAt}|${plan.size}`
    if (!token || this.#imageFor.get(key) === version) return
    this.#imageFor.set(key, version)
    try {
      const blob = await floorPlansApi.image(token, plan)
      const old = this.images.get(key)
      this.images.set(key, URL.createObjectURL(blob))
      if (old) URL.revokeObjectURL(old)
    } catch (err) {
      this.#imageFor.delete(key)
      this.onError(err)
    }
  }

  imageUrl(floor: FloorRef): string | undefined {
    return this.images.get(planKey(floor))
  }

  async upload(floor: FloorRef, file: File): Promise<boolean> {
    return this.#act(async (token) => this.#replace(await floorPlansApi.upload(token, floor, file)))
  }

  async remove(plan: FloorPlan): Promise<boolean> {
    return this.#act(async (token) => {
      await floorPlansApi.remove(token, plan)
      this.plans = this.plans.filter((p) => !sameFloor(p, plan))
      const url = this.images.get(planKey(plan))
      if (url) URL.revokeObjectURL(url)
      this.images.delete(planKey(plan))
      this.#imageFor.delete(planKey(plan))
      if (this.draft && sameFloor(this.draft.floor, plan)) this.draft = null
    })
  }

  /** Starts placing; positions of devices deleted or moved away since are dropped (the API would refuse them). */
  edit(plan: FloorPlan, exists: (deviceId: string) => boolean): void {
    this.draft = { floor: { siteId: plan.siteId, building: plan.building, floor: plan.floor }, positions: plan.positions.filter((p) => exists(p.deviceId)) }
    this.error = null
  }

  move(positions: FloorPlanPosition[]): void {
    if (this.draft) this.draft = { ...this.draft, positions }
  }

  get dirty(): boolean {
    const plan = this.draft ? this.planOf(this.draft.floor) : undefined
    return !!this.draft && !!plan && !samePositions(this.draft.positions, plan.positions)
  }

  async save(): Promise<boolean> {
    const draft = this.draft
    const plan = draft ? this.planOf(draft.floor) : undefined
    if (!draft || !plan) return false
    return this.#act(async (token) => {
      this.#replace(await floorPlansApi.place(token, plan, draft.positions))
      this.draft = null
    })
  }

  discard(): void {
    this.draft = null
    this.error = null
  }

  stop(): void {
    for (const url of this.images.values()) URL.revokeObjectURL(url)
    this.images.clear()
    this.#imageFor.clear()
    this.draft = null
  }

  #replace(plan: FloorPlan): void {
    this.plans = [...this.plans.filter((p) => !sameFloor(p, plan)), plan]
  }

  async #act(run: (token: string) => Promise<void>): Promise<boolean> {
    const token = this.token()
    if (!token || this.busy) return false
    this.busy = true
    this.error = null
    try {
      await run(token)
      return true
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err)
      this.onError(err)
      return false
    } finally {
      this.busy = false
    }
  }
}
