export {
  RunSubmitter,
  type SubmitRunRequest,
  type SubmitRunResult,
  type SubmitterDeps,
} from './run.submitter';
export { SubmissionRefused } from './submission.errors';
export { chooseStation } from './station.choice';
export {
  materialInputsOf,
  registerMaterials,
  recipeOf,
  type MaterialInputs,
  type RegisteredMaterials,
} from './materials.registration';
