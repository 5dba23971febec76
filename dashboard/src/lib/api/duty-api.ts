// The REST calls of work orders, emergencies and duty (CONTRACT.md §3 "work orders", "emergencies",
// "duty"). Components never fetch (STYLE.md): the stores call these.
import { all, ApiError, request } from './http.js'
import type { Emergency, Handover, HandoverDraft, Notification, Priority, Shift, Skill, WorkOrder, WorkOrderSource } from './types.js'

const id = (s: string) => encodeURIComponent(s)

/** Every action of CONTRACT.md §3 with its body: `{reason}`, `{assignee}`, `{result}` or `{note?}`. */
export type WorkOrderAction = 'assign' | 'accept' | 'reject' | 'arrive' | 'start' | 'hold' | 'resume' | 'complete' | 'verify' | 'reopen' | 'cancel'
export type EmergencyAction = 'contain' | 'notify-residents' | 'escalate' | 'close'
export type EscalateReason = 'injury' | 'fire-confirmed' | 'other'

export interface NewWorkOrder {
  siteId: string
  deviceId?: string
  title: string
  description?: string
  priority: Priority
  skill: Skill
  source: WorkOrderSource
  appointmentAt?: string
}

export interface Person {
  username: string
  role: string
  displayName?: string
  skills?: string[]
}

export const dutyApi = {
  workOrders: (token: string, query: { siteId?: string | null; assignee?: string; status?: string }) => {
    const p = new URLSearchParams()
    if (query.siteId) p.set('siteId', query.siteId)
    if (query.assignee) p.set('assignee', query.assignee)
    if (query.status) p.set('status', query.status)
    return all<WorkOrder>(`/work-orders?${p}`, token)
  },
  workOrder: (token: string, woId: string) => request<WorkOrder>('GET', `/work-orders/${id(woId)}`, token),
  createWorkOrder: (token: string, body: NewWorkOrder) => request<WorkOrder>('POST', '/work-orders', token, body),
  workOrderAction: (token: string, woId: string, action: WorkOrderAction, body: object = {}) => request<WorkOrder>('POST', `/work-orders/${id(woId)}/${action}`, token, body),
  returnVisit: (token: string, woId: string, score: number, note: string) => request<WorkOrder>('POST', `/work-orders/${id(woId)}/return-visit`, token, note ? { score, note } : { score }),
  /** Multipart, one file (the route takes the first part). */
  uploadPhoto: async (token: string, woId: string, file: Blob, filename: string): Promise<void> => {
    const form = new FormData()
    form.append('photo', file, filename)
    let res: Response
    try {
      res = await fetch(`/api/v1/work-orders/${id(woId)}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
    } catch {
      throw new ApiError(0, 'NETWORK', 'Cannot reach Vigil. Check the network connection.')
    }
    if (!res.ok) {
      const err = ((await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null)?.error
      throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? `photo upload failed (${res.status})`)
    }
  },
  emergencies: (token: string, siteId: string | null) => all<Emergency>(`/emergencies?state=open${siteId ? `&siteId=${id(siteId)}` : ''}`, token),
  emergencyAction: (token: string, emId: string, action: EmergencyAction, body: object = {}) => request<Emergency>('POST', `/emergencies/${id(emId)}/${action}`, token, body),
  /** null when the user is not on shift (404). */
  currentShift: async (token: string): Promise<Shift | null> => {
    try {
      return await request<Shift>('GET', '/shifts/current', token)
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null
      throw err
    }
  },
  startShift: (token: string) => request<Shift>('POST', '/shifts/start', token, {}),
  endShift: (token: string) => request<Shift>('POST', '/shifts/end', token, {}),
  notifications: (token: string) => request<{ items: Notification[] }>('GET', '/notifications?limit=50', token).then((p) => p.items),
  ackNotification: (token: string, nId: string) => request<Notification>('POST', `/notifications/${id(nId)}/ack`, token, {}),
  users: (token: string) => all<Person>('/users', token),
  handoverDraft: (token: string) => request<HandoverDraft>('GET', '/handovers/draft', token),
  handovers: (token: string) => request<{ items: Handover[] }>('GET', '/handovers?limit=50', token).then((p) => p.items),
  submitHandover: (token: string, incoming: string, notes: string) => request<Handover>('POST', '/handovers', token, { incoming, notes }),
  signHandover: (token: string, hId: string) => request<Handover>('POST', `/handovers/${id(hId)}/sign`, token, {}),
}
