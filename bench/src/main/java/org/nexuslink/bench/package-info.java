// SPDX-License-Identifier: AGPL-3.0-or-later
/** JMH benchmarks; build with {@code mvn -pl bench -am package}, run {@code bench/target/benchmarks.jar}. */
package org.nexuslink.bench;
