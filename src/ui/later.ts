// The rest of the page: what the first frame does not show (the side panel's bodies, the load
// report, presenter mode's caption and camera, the Rules banner, the trace's route and packet on the canvas)
// with what only they need (the engines' hop texts, the load problems' wording). One chunk, imported
// right after the first frame has been painted (./first-paint.ts), so the page's first picture does
// not wait for it to be downloaded, parsed and run.

// Before the panels' own styles (composer.css), which refine these.
import './panels/panels.css';
export { Composer } from './panels/Composer';
export { HopInspector } from './panels/HopInspector';
export { Inspector } from './panels/Inspector';
export { EventList } from './panels/EventList';
export { LoadErrors } from './panels/LoadErrors';
export { PartialLoadDialog } from './panels/PartialLoadDialog';
export { ArtifactBanner } from './panels/ArtifactBanner';
export { Caption } from './Caption';
export { RouteLayer } from './canvas/RouteLayer';
export { PacketLayer } from './canvas/PacketLayer';
export { PresenterCamera } from './canvas/camera';
