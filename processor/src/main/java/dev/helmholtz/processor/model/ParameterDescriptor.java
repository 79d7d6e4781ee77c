package dev.helmholtz.processor.model;

import javax.lang.model.element.VariableElement;

/** One parameter of a network method, classified by its type. */
public record ParameterDescriptor(VariableElement element, String name, Kind kind) {

  /** How generated code supplies the parameter. */
  public enum Kind {
    /** The {@code Nn} layer helper, scoped by the network's name. */
    LAYER_HELPER,
    /** An {@code Operand<TFloat32>}: the value of the node with the parameter's name. */
    NODE,
    /** Any other type: generated code cannot supply it. */
    UNSUPPORTED
  }
}
