// Floor plans (issue #6 item 8): one image per building floor of a site, with the positions of
// devices on it as fractions of the image (0..1 from the top left), so they survive a re-upload at
// another resolution. Pure: the bytes are sniffed here, stored by an adapter.

export interface DevicePosition {
  deviceId: string
  /** 0 = left edge, 1 = right edge of the image. */
  x: number
  /** 0 = top edge, 1 = bottom edge of the image. */
  y: number
}

export interface FloorKey {
  siteId: string
  building: string
  floor: number
}

export interface FloorPlan extends FloorKey {
  contentType: PlanImageType
  /** Pixels, read from the image header; the dashboard keeps the plan's aspect ratio with them. */
  width: number
  height: number
  size: number
  positions: DevicePosition[]
  uploadedBy: string
  uploadedAt: string
  updatedAt: string
}

/** What the database row adds: where the image file lies under the data directory. */
export interface StoredFloorPlan extends FloorPlan {
  path: string
}

/**
 * Raster images only. SVG is refused on purpose: it can carry scripts and external references,
 * and served from Vigil's origin it would run with the operators' session.
 */
export const PLAN_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const
export type PlanImageType = (typeof PLAN_IMAGE_TYPES)[number]
/** 15 MiB: an A0 scan at 150 dpi as PNG fits; a photo album does not. */
export const MAX_PLAN_BYTES = 15 * 1024 * 1024
/** A floor carries at most this many placed devices (the densest floors have a few hundred doors). */
export const MAX_POSITIONS = 2000

export interface SniffedImage {
  type: PlanImageType
  ext: string
  width: number
  height: number
}

const u16be = (b: Uint8Array, i: number): number => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0)
const u32be = (b: Uint8Array, i: number): number => u16be(b, i) * 65536 + u16be(b, i + 2)
const u16le = (b: Uint8Array, i: number): number => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8)
const u24le = (b: Uint8Array, i: number): number => u16le(b, i) | ((b[i + 2] ?? 0) << 16)
const ascii = (b: Uint8Array, from: number, to: number): string => String.fromCharCode(...b.subarray(from, to))

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

function png(b: Uint8Array): SniffedImage | null {
  if (b.length < 24 || PNG_SIGNATURE.some((v, i) => b[i] !== v) || ascii(b, 12, 16) !== 'IHDR') return null
  return { type: 'image/png', ext: '.png', width: u32be(b, 16), height: u32be(b, 20) }
}

/** Walks the JPEG segments to the first start-of-frame (SOF0…SOF15 except DHT/JPG/DAC). */
function jpeg(b: Uint8Array): SniffedImage | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null
  let i = 2
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null
    const marker = b[i + 1] ?? 0
    if (marker === 0xff) {
      i++
      continue
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
    if (isFrame) return { type: 'image/jpeg', ext: '.jpg', width: u16be(b, i + 7), height: u16be(b, i + 5) }
    i += 2 + u16be(b, i + 2)
  }
  return null
}

function webp(b: Uint8Array): SniffedImage | null {
  if (b.length < 30 || ascii(b, 0, 4) !== 'RIFF' || ascii(b, 8, 12) !== 'WEBP') return null
  const chunk = ascii(b, 12, 16)
  const base = { type: 'image/webp' as const, ext: '.webp' }
  if (chunk === 'VP8X') return { ...base, width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 }
  if (chunk === 'VP8L') {
    const bits = (b[21] ?? 0) | ((b[22] ?? 0) << 8) | ((b[23] ?? 0) << 16) | ((b[24] ?? 0) << 24)
    return { ...base, width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 }
  }
  if (chunk === 'VP8 ') return { ...base, width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff }
  return null
}

/** The image's real type and size from its first bytes, whatever the upload claimed; null when not one we accept. */
export function sniffPlanImage(bytes: Uint8Array): SniffedImage | null {
  const found = png(bytes) ?? jpeg(bytes) ?? webp(bytes)
  return found && found.width > 0 && found.height > 0 ? found : null
}

/** Problems with a positions list, as `{index, problem}`; empty when it is acceptable. */
export function positionProblems(positions: readonly DevicePosition[]): { index: number; problem: string }[] {
  const out: { index: number; problem: string }[] = []
  const seen = new Set<string>()
  positions.forEach((p, index) => {
    if (!(p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1)) out.push({ index, problem: `x and y must be fractions of the plan between 0 and 1 (got ${p.x}, ${p.y})` })
    if (seen.has(p.deviceId)) out.push({ index, problem: `device ${p.deviceId} is placed twice` })
    seen.add(p.deviceId)
  })
  return out
}

export const floorKeyText = (k: FloorKey): string => `${k.siteId}/${k.building}/${k.floor}`
