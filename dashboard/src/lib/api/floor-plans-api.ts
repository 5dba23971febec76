// Floor plans over REST (issue #6 item 8): the plan list with positions, the image (fetched with
// the token and shown from a blob URL, since an <img> cannot send a bearer token), and the admin's
// upload, placement and removal.
import { fetchBlob, request } from './http.js'

export interface FloorPlanPosition {
  deviceId: string
  x: number
  y: number
}
export interface FloorPlan {
  siteId: string
  building: string
  floor: number
  contentType: string
  width: number
  height: number
  size: number
  positions: FloorPlanPosition[]
  uploadedBy: string
  uploadedAt: string
  updatedAt: string
}

const planPath = (p: { siteId: string; building: string; floor: number }) =>
  `/sites/${encodeURIComponent(p.siteId)}/buildings/${encodeURIComponent(p.building)}/floors/${p.floor}/plan`

export const floorPlansApi = {
  list: async (token: string, siteId: string) => (await request<{ items: FloorPlan[] }>('GET', `/sites/${encodeURIComponent(siteId)}/floor-plans`, token)).items,
  image: (token: string, plan: FloorPlan) => fetchBlob(`${planPath(plan)}/image`, token),
  upload: (token: string, at: { siteId: string; building: string; floor: number }, file: Blob) => request<FloorPlan>('PUT', planPath(at), token, file),
  place: (token: string, plan: FloorPlan, positions: FloorPlanPosition[]) => request<FloorPlan>('PUT', `${planPath(plan)}/positions`, token, { positions }),
  remove: (token: string, plan: FloorPlan) => request<null>('DELETE', planPath(plan), token),
}
