// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.transparency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The RFC 6962 / 9162 vectors of transparency-dev/merkle (see vectors/SOURCE.md): the leaf and
 * root hashes of {@code testonly/constants.go}, and every inclusion and consistency proof case of
 * its {@code testdata}, happy paths that must verify and mutations that must not.
 */
class MerkleVectorsTest {
    private static final String DIR = "vectors/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LENGTHLESS_ROOTS = "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json";

    /** testonly/constants.go: LeafInputs(). */
    static final List<String> LEAVES =
            List.of("", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f");
    /** testonly/constants.go: RootHashes(), by tree size 0..8. */
    static final List<String> ROOTS = List.of(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
    /** testonly/constants.go: NodeHashes()[0], the leaf hashes. */
    static final List<String> LEAF_HASHES = List.of(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
            "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1");

    @Test
    void leaf_hashes_and_roots_match_the_reference_for_every_size() {
        MemoryMerkleTree tree = new MemoryMerkleTree();
        assertThat(tree.root().hex()).isEqualTo(ROOTS.get(0));
        for (int i = 0; i < LEAVES.size(); i++) {
            byte[] leaf = HexFormat.of().parseHex(LEAVES.get(i));
            assertThat(TreeHash.leaf(leaf).hex()).isEqualTo(LEAF_HASHES.get(i));
            tree.append(leaf);
            assertThat(tree.root().hex()).as("root of size %d", i + 1).isEqualTo(ROOTS.get(i + 1));
        }
        for (int size = 0; size <= 8; size++) {
            assertThat(tree.root(size).hex()).isEqualTo(ROOTS.get(size));
        }
    }

    @Test
    void generated_proofs_equal_the_reference_happy_paths() throws IOException {
        MemoryMerkleTree tree = new MemoryMerkleTree();
        LEAVES.forEach(l -> tree.append(HexFormat.of().parseHex(l)));
        int checked = 0;
        for (String file : files()) {
            if (!file.endsWith("happy-path.json")) {
                continue;
            }
            JsonNode v = read(file);
            if (file.startsWith("inclusion/")) {
                assertThat(tree.inclusionProof(
                                v.get("leafIdx").asLong(), v.get("treeSize").asLong()))
                        .as(file)
                        .isEqualTo(hashes(v.get("proof")));
                checked++;
            } else if (v.get("size1").asLong() < v.get("size2").asLong()) {
                assertThat(tree.consistencyProof(
                                v.get("size1").asLong(), v.get("size2").asLong()))
                        .as(file)
                        .isEqualTo(hashes(v.get("proof")));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(8);
    }

    @TestFactory
    Stream<DynamicTest> every_reference_case_verifies_or_fails_as_expected() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String file : files()) {
            JsonNode v = read(file);
            boolean wantErr = v.get("wantErr").asBoolean();
            tests.add(DynamicTest.dynamicTest(file + (wantErr ? " fails" : " verifies"), () -> {
                if (!wantErr && file.equals(LENGTHLESS_ROOTS)) {
                    // The reference accepts equal 12-byte "roots" at equal sizes; a root here is a
                    // SHA-256 value, so parsing refuses it before any comparison.
                    assertThatThrownBy(() -> verify(file, v))
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("32 bytes");
                } else if (wantErr) {
                    assertThatThrownBy(() -> verify(file, v))
                            .isInstanceOfAny(InvalidProofException.class, IllegalArgumentException.class);
                } else {
                    assertThatCode(() -> verify(file, v)).doesNotThrowAnyException();
                }
            }));
        }
        assertThat(tests).hasSizeGreaterThan(150);
        return tests.stream();
    }

    /** Parsing a hash of the wrong length is an IllegalArgumentException, as a client's parser gives. */
    private static void verify(String file, JsonNode v) throws InvalidProofException {
        if (file.startsWith("inclusion/")) {
            MerkleProofs.verifyInclusion(
                    v.get("leafIdx").asLong(),
                    v.get("treeSize").asLong(),
                    hash(v.get("leafHash").asText()),
                    hashes(v.get("proof")),
                    hash(v.get("root").asText()));
        } else {
            MerkleProofs.verifyConsistency(
                    v.get("size1").asLong(),
                    v.get("size2").asLong(),
                    hash(v.get("root1").asText()),
                    hash(v.get("root2").asText()),
                    hashes(v.get("proof")));
        }
    }

    private static TreeHash hash(String base64) {
        return TreeHash.of(Base64.getDecoder().decode(base64));
    }

    private static List<TreeHash> hashes(JsonNode array) {
        List<TreeHash> out = new ArrayList<>();
        if (array != null && !array.isNull()) {
            array.forEach(n -> out.add(hash(n.asText())));
        }
        return out;
    }

    private static List<String> files() throws IOException {
        try (InputStream in = MerkleVectorsTest.class.getResourceAsStream(DIR + "index.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank())
                    .toList();
        }
    }

    private static JsonNode read(String file) throws IOException {
        try (InputStream in = MerkleVectorsTest.class.getResourceAsStream(DIR + file)) {
            return JSON.readTree(in);
        }
    }
}
