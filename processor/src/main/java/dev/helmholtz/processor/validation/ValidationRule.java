package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.ModelDescriptor;

/** One check over a model as read. Rules report through the catalog and never write code. */
interface ValidationRule {
  void check(ModelDescriptor model, Reporter reporter);
}
