// The public surface of scenario loading and writing. Everything above src/scenario imports from here.
export { loadScenarioFiles, loadScenarioText } from './load';
export type { EnvelopePart } from './envelope';
export { mergeScenarios, partFromScenario, type ScenarioPart } from './merge';
export { serializeScenario, toManifests } from './export';
export {
  problemText,
  problemTextsEn,
  problemTextsZh,
  renderProblemNote,
  type ProblemLang,
  type ProblemNote,
  type ProblemNoteKey,
} from './problem-text';
export {
  formatProblem,
  hasErrors,
  fieldPath,
  jsonPointer,
  type Problem,
  type ProblemKind,
  type Severity,
  type PathSegment,
} from './problem';
export { LIMITS } from './limits';
export { MIGRATIONS, migrate, type Migration, type MigrationResult } from './migrations';
export {
  buildJsonSchema,
  CURRENT_VERSION,
  SCENARIO_FORMAT,
  SCHEMA_ID,
  labSettingsSchema,
  scenarioFileSchema,
  KIND_SCHEMAS,
} from './schema';
export type {
  LabEdit,
  LessonStep,
  LoadResult,
  LocalizedText,
  ObjectSource,
  Scenario,
  ScenarioFileInput,
  ScenarioMeta,
  ScenarioObject,
  ScenarioView,
} from './types';
export {
  describeInference,
  inferFromSnapshot,
  looksLikeSnapshot,
  type Inference,
  type InferenceBasis,
} from './snapshot';
export { setLabSetting, settingKeys, settleUserspaceVersion, type SetSettingResult } from './settings';
export {
  decodeShare,
  encodeShare,
  compactScenarioDocument,
  isShareFragment,
  SHARE_LIMITS,
  SHARE_CODEC_VERSION,
  SHARE_PREFIX,
  type DecodeResult,
  type SharedLab,
  type SharedRequest,
  type ShareErrorKind,
} from './share';
