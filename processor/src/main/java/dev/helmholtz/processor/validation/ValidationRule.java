package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.ModelDescriptor;

/**
 * One check over a model as read, of the kind {@link ModelKind#of} decided. Rules report through
 * the catalog and never write code.
 */
interface ValidationRule {
  void check(ModelDescriptor model, ModelKind kind, Reporter reporter);
}
