// Field masking by staff role: the policy table, the decorator, the interceptor (see README.md).
export { StaffView, type StaffViewOptions } from './staff-view.decorator.js';
export { StaffViewInterceptor } from './staff-view.interceptor.js';
export type { Page } from './staff-view.metadata.js';
export { project, type Projection } from './projection.js';
export {
  STAFF_VIEWS,
  maySee,
  rolesSeeing,
  viewFields,
  visibleTo,
  type StaffViewName,
  type ViewPolicy,
} from './staff-views.js';
