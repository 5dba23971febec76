// The floor-plan image check (services/core/floor-plans): the type and pixel size come from the
// bytes, whatever the upload claims; anything else is refused.
import { describe, expect, it } from 'vitest'
import { positionProblems, sniffPlanImage } from '../../services/core/floor-plans/floor-plan.js'
import { pngBytes } from '../helpers/images.js'

/** SOI, an APP0 segment, then a baseline SOF0 frame header for height × width. */
function jpegHeader(width: number, height: number): Buffer {
  const app0 = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]
  const sof0 = [0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 255, width >> 8, width & 255, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
  return Buffer.from([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9])
}
function webpVp8x(width: number, height: number): Buffer {
  const b = Buffer.alloc(30)
  b.write('RIFF', 0, 'latin1')
  b.writeUInt32LE(22, 4)
  b.write('WEBPVP8X', 8, 'latin1')
  b.writeUIntLE(width - 1, 24, 3)
  b.writeUIntLE(height - 1, 27, 3)
  return b
}

describe('sniffPlanImage', () => {
  it.each([
    ['a PNG', pngBytes(321, 123), { type: 'image/png', width: 321, height: 123 }],
    ['a JPEG, walking past its APP0 segment to the frame', jpegHeader(1920, 1080), { type: 'image/jpeg', width: 1920, height: 1080 }],
    ['an extended WebP', webpVp8x(4000, 2500), { type: 'image/webp', width: 4000, height: 2500 }],
  ])('reads %s', (_what, bytes, expected) => {
    expect(sniffPlanImage(bytes)).toMatchObject(expected)
  })

  it.each([
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00')],
    ['a PNG cut before its header', pngBytes(2, 2).subarray(0, 20)],
    ['a PNG of zero width', Buffer.concat([pngBytes(1, 1).subarray(0, 16), Buffer.alloc(8)])],
    ['nothing', Buffer.alloc(0)],
  ])('refuses %s', (_what, bytes) => {
    expect(sniffPlanImage(bytes)).toBeNull()
  })
})

describe('positionProblems', () => {
  it('accepts fractions from edge to edge', () => {
    expect(positionProblems([{ deviceId: 'a', x: 0, y: 1 }, { deviceId: 'b', x: 1, y: 0 }])).toEqual([])
  })
  it('names every bad entry by its index', () => {
    const problems = positionProblems([{ deviceId: 'a', x: 0.5, y: 0.5 }, { deviceId: 'a', x: 0.2, y: 0.2 }, { deviceId: 'c', x: Number.NaN, y: 0 }])
    expect(problems.map((p) => p.index)).toEqual([1, 2])
  })
})
