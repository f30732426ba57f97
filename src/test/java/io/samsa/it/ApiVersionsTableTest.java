package io.samsa.it;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.WireClient;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/compatibility.md lists exactly what the broker advertises in ApiVersions. */
class ApiVersionsTableTest {
    private static final Pattern ROW = Pattern.compile("^\\|\\s*(\\d+)\\s*\\|\\s*\\w+\\s*\\|\\s*(\\d+)(?:-(\\d+))?\\s*\\|");

    @Test
    void compatibilityTableMatchesAdvertisedVersions() throws IOException {
        Set<String> documented = new TreeSet<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(Path.of("docs/compatibility.md"))) {
            if (line.contains("<!-- api-table")) {
                inTable = true;
            } else if (line.contains("<!-- end api-table")) {
                inTable = false;
            } else if (inTable) {
                Matcher m = ROW.matcher(line);
                if (m.find()) {
                    String max = m.group(3) == null ? m.group(2) : m.group(3);
                    documented.add(m.group(1) + ":" + m.group(2) + "-" + max);
                }
            }
        }
        Set<String> advertised = new TreeSet<>();
        try (EmbeddedBroker broker = EmbeddedBroker.start();
             WireClient client = new WireClient("127.0.0.1", broker.port())) {
            ApiVersionsResponse response = client.send(new ApiVersionsRequest.Builder());
            for (ApiVersion v : response.data().apiKeys()) {
                advertised.add(v.apiKey() + ":" + v.minVersion() + "-" + v.maxVersion());
            }
        }
        assertThat(documented).isEqualTo(advertised);
    }
}
