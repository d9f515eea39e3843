/**
 * Telegram Desktop export generator: the bundled sample (every message and entity kind) and large
 * synthetic exports for benchmarks. Deterministic for a seed; both export shapes.
 */
export { generateExport, type GenerateOptions } from './synthetic';
export { generateSampleExport, type SampleOptions, type SampleChatKey, type GenerateStats, type GeneratedChat } from './sample';
export { NOT_INCLUDED, TOO_LARGE, UNAVAILABLE, textFields, type Part } from './chat';
