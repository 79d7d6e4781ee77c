package dev.helmholtz.processor.model;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;

/**
 * A place inside a method body, for diagnostics narrower than an element: javac's {@link Trees}
 * attaches a message to a tree of a compilation unit.
 */
public record SourceLocation(Trees trees, Tree tree, CompilationUnitTree unit) {}
