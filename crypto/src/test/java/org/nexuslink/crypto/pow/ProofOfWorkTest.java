// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.pow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class ProofOfWorkTest {
    private static final byte[] CHALLENGE = "registration of community x".getBytes(StandardCharsets.UTF_8);

    @Test
    void a_solved_proof_verifies_and_has_the_leading_zero_bits() throws Exception {
        long counter = ProofOfWork.solve(CHALLENGE, 12);

        assertThat(ProofOfWork.verify(CHALLENGE, 12, counter)).isTrue();
        // Recompute the hash independently: the construction is the documented one.
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update("nexuslink/pow/v1".getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) 0);
        sha.update(CHALLENGE);
        byte[] hash = sha.digest(ByteBuffer.allocate(8).putLong(counter).array());
        assertThat(hash[0]).isZero();
        assertThat(hash[1] & 0xf0).isZero();
    }

    @Test
    void the_solution_is_the_first_counter_that_meets_the_difficulty() {
        long counter = ProofOfWork.solve(CHALLENGE, 10);

        for (long earlier = 0; earlier < counter; earlier++) {
            assertThat(ProofOfWork.verify(CHALLENGE, 10, earlier)).isFalse();
        }
    }

    @Test
    void a_proof_is_bound_to_its_challenge() {
        long counter = ProofOfWork.solve(CHALLENGE, 16);

        assertThat(ProofOfWork.verify("another challenge".getBytes(StandardCharsets.UTF_8), 16, counter))
                .isFalse();
    }

    @Test
    void a_proof_for_less_work_fails_a_higher_difficulty() {
        // Difficulty 8 proofs meet 20 bits only by chance (1 in 4096): find one that does not.
        long counter = ProofOfWork.solve(CHALLENGE, 8);
        byte[] challenge = CHALLENGE;
        int salt = 0;
        while (ProofOfWork.verify(challenge, 20, counter)) {
            challenge = (new String(CHALLENGE, StandardCharsets.UTF_8) + salt++).getBytes(StandardCharsets.UTF_8);
            counter = ProofOfWork.solve(challenge, 8);
        }
        assertThat(ProofOfWork.verify(challenge, 8, counter)).isTrue();
        assertThat(ProofOfWork.verify(challenge, 20, counter)).isFalse();
    }

    @Test
    void zero_difficulty_accepts_any_counter() {
        assertThat(ProofOfWork.verify(CHALLENGE, 0, 12345)).isTrue();
    }

    @Test
    void refuses_a_difficulty_out_of_range() {
        assertThatThrownBy(() -> ProofOfWork.verify(CHALLENGE, 41, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("41");
        assertThatThrownBy(() -> ProofOfWork.solve(CHALLENGE, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
