// A small seeded PRNG (mulberry32) so a device's telemetry is reproducible in tests and varied
// between devices (each device seeds from its id).
export interface Random {
  /** Uniform in [0, 1). */
  next(): number
  between(min: number, max: number): number
  int(min: number, maxInclusive: number): number
  chance(p: number): boolean
  /** Roughly normal (sum of uniforms), mean 0, standard deviation `sd`. */
  noise(sd: number): number
  pick<T>(items: readonly T[]): T
  hex(bytes: number): string
}

export function seedFrom(text: string): number {
  // FNV-1a: stable across runs and platforms.
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

export function createRandom(seed: number | string): Random {
  let a = typeof seed === 'string' ? seedFrom(seed) : seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const rnd: Random = {
    next,
    between: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    noise: (sd) => (next() + next() + next() + next() - 2) * sd * Math.sqrt(3),
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list')
      return items[Math.floor(next() * items.length)] as (typeof items)[number]
    },
    hex: (bytes) => {
      let s = ''
      for (let i = 0; i < bytes; i++) s += Math.floor(next() * 256).toString(16).padStart(2, '0')
      return s
    },
  }
  return rnd
}

export const round = (v: number, digits: number): number => {
  const f = 10 ** digits
  return Math.round(v * f) / f
}
export const clamp = (v: number, min: number, max: number): number => Math.min(max, Math.max(min, v))
