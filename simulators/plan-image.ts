// A floor plan picture for the demo site and the tests (issue #6 item 8): a PNG encoded here with
// Node's zlib and CRC-32, so neither needs binary files or an image library.
import { crc32, deflateSync } from 'node:zlib'

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

/** An RGB PNG of width × height whose pixel colours come from `paint(x, y)` as [r, g, b]. */
export function pngBytes(width: number, height: number, paint: (x: number, y: number) => readonly [number, number, number] = () => [230, 235, 240]): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8-bit RGB, no interlace
  const raw = Buffer.alloc((width * 3 + 1) * height)
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1)
    for (let x = 0; x < width; x++) raw.set(paint(x, y), row + 1 + x * 3)
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}

/** A light floor plan: walls as dark lines on a grid of rooms, a corridor across the middle. */
export function floorPlanPng(width = 1200, height = 700): Buffer {
  const wall = (v: number, size: number, rooms: number) => v < 6 || v >= size - 6 || Math.abs((v % Math.floor(size / rooms)) - 0) < 4
  return pngBytes(width, height, (x, y) => {
    const corridor = y > height * 0.45 && y < height * 0.55
    if (wall(x, width, 6) && !corridor) return [52, 64, 78]
    if (wall(y, height, 2) || (Math.abs(y - height * 0.45) < 3 || Math.abs(y - height * 0.55) < 3)) return [52, 64, 78]
    return corridor ? [214, 222, 230] : [236, 240, 244]
  })
}
