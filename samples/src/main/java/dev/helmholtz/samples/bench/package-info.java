/**
 * Models only the benchmarks ({@code bench/}, {@code dev.helmholtz.bench}) train. They stay in
 * the samples because the processor's golden-source test compiles every {@code @Model} class of
 * {@code samples/src/main/java}.
 */
package dev.helmholtz.samples.bench;
