// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.pubsub;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * The parameters of the gossipsub v1.1 peer score (the spec's "The Score Function"), named as
 * there. A peer's score is
 * {@code min(Σ_topics topicWeight·(P1·w1 + P2·w2 + P3·w3 + P3b·w3b + P4·w4), topicScoreCap)
 * + P5·w5 + P6·w6 + P7·w7}; counters decay every {@code decayInterval} and drop to zero below
 * {@code decayToZero}.
 *
 * @param topics parameters of the topics named; every other topic is scored with {@code defaultTopic}
 * @param defaultTopic parameters of the topics not in {@code topics}
 * @param topicScoreCap cap on the sum of the topic parts (0: none)
 * @param appSpecificScore P5, the application's own view of a peer
 * @param appSpecificWeight w5
 * @param ipColocationFactorWeight w6 (not positive): P6 is the square of the peers beyond the threshold on one IP
 * @param ipColocationFactorThreshold peers one IP may have before P6 counts
 * @param ipColocationWhitelist addresses P6 ignores (loopback by default: tests and local bridges)
 * @param behaviourPenaltyWeight w7 (not positive)
 * @param behaviourPenaltyThreshold P7 is the square of the penalty beyond this
 * @param behaviourPenaltyDecay factor per decay interval
 * @param decayInterval how often counters decay
 * @param decayToZero counters below this become 0
 * @param retainScore how long the score of a peer that left is kept (so reconnecting sheds nothing)
 * @param thresholds what each score allows
 */
public record PeerScoreParams(
        Map<String, Topic> topics,
        Topic defaultTopic,
        double topicScoreCap,
        ToDoubleFunction<org.nexuslink.p2p.PeerId> appSpecificScore,
        double appSpecificWeight,
        double ipColocationFactorWeight,
        int ipColocationFactorThreshold,
        Predicate<InetAddress> ipColocationWhitelist,
        double behaviourPenaltyWeight,
        double behaviourPenaltyThreshold,
        double behaviourPenaltyDecay,
        Duration decayInterval,
        double decayToZero,
        Duration retainScore,
        Thresholds thresholds) {

    public PeerScoreParams {
        topics = Map.copyOf(topics);
        Objects.requireNonNull(defaultTopic, "defaultTopic");
        Objects.requireNonNull(appSpecificScore, "appSpecificScore");
        Objects.requireNonNull(ipColocationWhitelist, "ipColocationWhitelist");
        Objects.requireNonNull(thresholds, "thresholds");
        if (topicScoreCap < 0
                || ipColocationFactorWeight > 0
                || ipColocationFactorThreshold < 1
                || behaviourPenaltyWeight > 0
                || behaviourPenaltyThreshold < 0) {
            throw new IllegalArgumentException("score parameters out of range: topicScoreCap >= 0, "
                    + "ipColocationFactorWeight <= 0, ipColocationFactorThreshold >= 1, behaviourPenaltyWeight <= 0, "
                    + "behaviourPenaltyThreshold >= 0");
        }
        requireDecay(behaviourPenaltyDecay, "behaviourPenaltyDecay");
        if (decayInterval.isNegative()
                || decayInterval.isZero()
                || decayToZero <= 0
                || decayToZero >= 1
                || retainScore.isNegative()) {
            throw new IllegalArgumentException("need a positive decayInterval, 0 < decayToZero < 1, retainScore >= 0");
        }
    }

    /**
     * Parameters of one topic's part of the score.
     *
     * @param topicWeight weight of this topic's part (not negative)
     * @param timeInMeshWeight w1 (not negative); P1 is mesh time in quanta, capped
     * @param timeInMeshQuantum the unit of P1
     * @param timeInMeshCap largest P1
     * @param firstMessageDeliveriesWeight w2 (not negative); P2 counts messages the peer delivered first
     * @param firstMessageDeliveriesDecay factor per decay interval
     * @param firstMessageDeliveriesCap largest P2
     * @param meshMessageDeliveriesWeight w3 (not positive); P3 is the square of a mesh peer's delivery deficit
     * @param meshMessageDeliveriesDecay factor per decay interval
     * @param meshMessageDeliveriesThreshold deliveries below which a mesh peer has a deficit
     * @param meshMessageDeliveriesCap largest delivery count
     * @param meshMessageDeliveriesActivation mesh time before P3 counts
     * @param meshMessageDeliveryWindow how long after the first delivery a duplicate from a mesh peer still counts
     * @param meshFailurePenaltyWeight w3b (not positive); P3b keeps the deficit of peers pruned with one
     * @param meshFailurePenaltyDecay factor per decay interval
     * @param invalidMessageDeliveriesWeight w4 (not positive); P4 is the square of invalid messages
     * @param invalidMessageDeliveriesDecay factor per decay interval
     */
    public record Topic(
            double topicWeight,
            double timeInMeshWeight,
            Duration timeInMeshQuantum,
            double timeInMeshCap,
            double firstMessageDeliveriesWeight,
            double firstMessageDeliveriesDecay,
            double firstMessageDeliveriesCap,
            double meshMessageDeliveriesWeight,
            double meshMessageDeliveriesDecay,
            double meshMessageDeliveriesThreshold,
            double meshMessageDeliveriesCap,
            Duration meshMessageDeliveriesActivation,
            Duration meshMessageDeliveryWindow,
            double meshFailurePenaltyWeight,
            double meshFailurePenaltyDecay,
            double invalidMessageDeliveriesWeight,
            double invalidMessageDeliveriesDecay) {

        public Topic {
            if (topicWeight < 0
                    || timeInMeshWeight < 0
                    || firstMessageDeliveriesWeight < 0
                    || meshMessageDeliveriesWeight > 0
                    || meshFailurePenaltyWeight > 0
                    || invalidMessageDeliveriesWeight > 0) {
                throw new IllegalArgumentException(
                        "topic score weights have the wrong sign: w1, w2 >= 0; w3, w3b, w4 <= 0");
            }
            if (timeInMeshQuantum.isNegative()
                    || timeInMeshQuantum.isZero()
                    || timeInMeshCap < 0
                    || firstMessageDeliveriesCap < 0
                    || meshMessageDeliveriesThreshold < 0
                    || meshMessageDeliveriesCap < meshMessageDeliveriesThreshold
                    || meshMessageDeliveriesActivation.isNegative()
                    || meshMessageDeliveryWindow.isNegative()) {
                throw new IllegalArgumentException("topic score quanta, caps and thresholds out of range");
            }
            requireDecay(firstMessageDeliveriesDecay, "firstMessageDeliveriesDecay");
            requireDecay(meshMessageDeliveriesDecay, "meshMessageDeliveriesDecay");
            requireDecay(meshFailurePenaltyDecay, "meshFailurePenaltyDecay");
            requireDecay(invalidMessageDeliveriesDecay, "invalidMessageDeliveriesDecay");
        }

        /**
         * A chat room's topic: mesh time up to +3 after 5 minutes, first deliveries up to +20
         * (halving in 10 minutes), an invalid message -10 (its square, so three are -90), and no
         * delivery-rate parts (P3, P3b): a quiet room is no fault of its mesh peers.
         */
        public static Topic chatDefaults() {
            double tenMinuteHalving = Math.pow(0.5, 1.0 / 600);
            return new Topic(
                    1,
                    0.01,
                    Duration.ofSeconds(1),
                    300,
                    1,
                    tenMinuteHalving,
                    20,
                    0,
                    tenMinuteHalving,
                    0,
                    0,
                    Duration.ofMinutes(1),
                    Duration.ofMillis(10),
                    0,
                    tenMinuteHalving,
                    -10,
                    tenMinuteHalving);
        }

        /** This topic with the mesh delivery-rate parts (P3, P3b) switched on. */
        public Topic withMeshDeliveries(
                double weight, double threshold, double cap, Duration activation, double failurePenaltyWeight) {
            return new Topic(
                    topicWeight,
                    timeInMeshWeight,
                    timeInMeshQuantum,
                    timeInMeshCap,
                    firstMessageDeliveriesWeight,
                    firstMessageDeliveriesDecay,
                    firstMessageDeliveriesCap,
                    weight,
                    meshMessageDeliveriesDecay,
                    threshold,
                    cap,
                    activation,
                    meshMessageDeliveryWindow,
                    failurePenaltyWeight,
                    meshFailurePenaltyDecay,
                    invalidMessageDeliveriesWeight,
                    invalidMessageDeliveriesDecay);
        }
    }

    /**
     * What a score allows (the spec's thresholds).
     *
     * @param gossipThreshold below it no gossip goes to the peer and its gossip is ignored (not positive)
     * @param publishThreshold below it our own messages are not flooded to it (not above gossipThreshold)
     * @param graylistThreshold below it every RPC of the peer is ignored (not above publishThreshold)
     * @param acceptPxThreshold peer exchange is taken only from peers above it (not negative; PX is not implemented)
     * @param opportunisticGraftThreshold a mesh whose median score is below it grafts better peers (not negative)
     */
    public record Thresholds(
            double gossipThreshold,
            double publishThreshold,
            double graylistThreshold,
            double acceptPxThreshold,
            double opportunisticGraftThreshold) {
        public Thresholds {
            if (gossipThreshold > 0
                    || publishThreshold > gossipThreshold
                    || graylistThreshold > publishThreshold
                    || acceptPxThreshold < 0
                    || opportunisticGraftThreshold < 0) {
                throw new IllegalArgumentException(
                        "need graylist <= publish <= gossip <= 0 <= acceptPx, opportunisticGraft");
            }
        }
    }

    /**
     * Defaults for NexusLink rooms: {@link Topic#chatDefaults()} for every topic, a topic cap of
     * 50, no application score, more than 3 peers on one non-loopback IP cost the square of the
     * surplus times 10, each misbehaviour (a GRAFT during backoff, an IWANT promise broken, a
     * malformed RPC) the square of the count times 10, decaying by half in 10 minutes, scores
     * kept 10 minutes after a peer leaves; thresholds gossip -10, publish -50, graylist -80,
     * accept PX 10, opportunistic graft 1.
     */
    public static PeerScoreParams defaults() {
        return new PeerScoreParams(
                Map.of(),
                Topic.chatDefaults(),
                50,
                peer -> 0,
                1,
                -10,
                3,
                InetAddress::isLoopbackAddress,
                -10,
                0,
                Math.pow(0.5, 1.0 / 600),
                Duration.ofSeconds(1),
                0.01,
                Duration.ofMinutes(10),
                new Thresholds(-10, -50, -80, 10, 1));
    }

    /** These parameters with {@code topic} scored by {@code params}. */
    public PeerScoreParams withTopic(String topic, Topic params) {
        Map<String, Topic> more = new java.util.HashMap<>(topics);
        more.put(topic, params);
        return new PeerScoreParams(
                more,
                defaultTopic,
                topicScoreCap,
                appSpecificScore,
                appSpecificWeight,
                ipColocationFactorWeight,
                ipColocationFactorThreshold,
                ipColocationWhitelist,
                behaviourPenaltyWeight,
                behaviourPenaltyThreshold,
                behaviourPenaltyDecay,
                decayInterval,
                decayToZero,
                retainScore,
                thresholds);
    }

    /** These parameters with another P5. */
    public PeerScoreParams withAppSpecificScore(ToDoubleFunction<org.nexuslink.p2p.PeerId> score, double weight) {
        return new PeerScoreParams(
                topics,
                defaultTopic,
                topicScoreCap,
                score,
                weight,
                ipColocationFactorWeight,
                ipColocationFactorThreshold,
                ipColocationWhitelist,
                behaviourPenaltyWeight,
                behaviourPenaltyThreshold,
                behaviourPenaltyDecay,
                decayInterval,
                decayToZero,
                retainScore,
                thresholds);
    }

    /** These parameters with another IP colocation whitelist (P6). */
    public PeerScoreParams withIpColocationWhitelist(Predicate<InetAddress> whitelist) {
        return new PeerScoreParams(
                topics,
                defaultTopic,
                topicScoreCap,
                appSpecificScore,
                appSpecificWeight,
                ipColocationFactorWeight,
                ipColocationFactorThreshold,
                whitelist,
                behaviourPenaltyWeight,
                behaviourPenaltyThreshold,
                behaviourPenaltyDecay,
                decayInterval,
                decayToZero,
                retainScore,
                thresholds);
    }

    /** The parameters {@code topic} is scored with. */
    public Topic topic(String topic) {
        return topics.getOrDefault(topic, defaultTopic);
    }

    private static void requireDecay(double decay, String name) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, exclusive: " + decay);
        }
    }
}
