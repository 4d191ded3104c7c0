// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import org.nexuslink.protocol.Bytes;

/**
 * The REST API's JSON conventions: snake_case fields, absent optionals and nulls omitted,
 * {@link Bytes} as standard base64.
 */
public final class ApiJson {
    private ApiJson() {}

    /**
     * A mapper for the server: besides the conventions it refuses unknown fields, nulls for
     * primitives and trailing tokens, so a misspelt request field is an error, not ignored.
     * Thread-safe once built.
     */
    public static ObjectMapper strict() {
        return builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /**
     * A mapper for clients: it ignores fields it does not know, so an older client reads a newer
     * server's answers. Thread-safe once built.
     */
    public static ObjectMapper tolerant() {
        return builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    private static JsonMapper.Builder builder() {
        SimpleModule bytes = new SimpleModule("nexuslink-bytes")
                .addSerializer(Bytes.class, new BytesSerializer())
                .addDeserializer(Bytes.class, new BytesDeserializer());
        return JsonMapper.builder()
                .addModule(new Jdk8Module())
                .addModule(bytes)
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .serializationInclusion(JsonInclude.Include.NON_ABSENT);
    }

    private static final class BytesSerializer extends JsonSerializer<Bytes> {
        @Override
        public void serialize(Bytes value, JsonGenerator out, SerializerProvider serializers) throws IOException {
            out.writeBinary(value.toByteArray());
        }
    }

    /** Reads base64 the way Jackson reads {@code byte[]}, so a bad value names its field. */
    private static final class BytesDeserializer extends JsonDeserializer<Bytes> {
        @Override
        public Bytes deserialize(JsonParser in, DeserializationContext context) throws IOException {
            return Bytes.of(context.readValue(in, byte[].class));
        }
    }
}
