package dev.helmholtz.objective;

import dev.helmholtz.nn.VariableStore;
import java.util.Map;
import java.util.function.Supplier;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * What a training objective builds its target from: the graph, the training pass of one tower,
 * the model's variables (for an objective's own networks and hyperparameters), the tower's data
 * inputs by node name, and a builder of the sleep pass (latents and observed nodes dreamed from p,
 * one dream per example of the batch, scored under q) for objectives that need one. The sleep
 * pass adds its ops when asked for, so only an objective that asks for it has one.
 */
public record ObjectiveInputs(Ops tf, ObjectivePass pass, VariableStore variables,
    Map<String, Operand<TFloat32>> data, Supplier<ObjectivePass> sleepPass) {}
