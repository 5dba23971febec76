// Real image bytes for upload tests: the demo's PNG encoder (simulators/plan-image.ts).
export { floorPlanPng, pngBytes } from '../../simulators/plan-image.js'
