package io.samsa.tools;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-made parser of {@code samsa server}'s arguments, and what it leaves to picocli. */
class ServerCommandTest {

    @Test
    void fileAndOverridesInEitherSpellingAreParsed() {
        assertThat(ServerCommand.parse(List.of("config/server.properties", "--override", "a=1", "--override=b=2")))
            .contains(new ServerCommand.Arguments(Path.of("config/server.properties"), List.of("a=1", "b=2")));
    }

    @Test
    void noArgumentsMeanNoFileAndNoOverrides() {
        assertThat(ServerCommand.parse(List.of())).contains(new ServerCommand.Arguments(null, List.of()));
    }

    @Test
    void helpUnknownOptionsASecondFileAndAnOverrideWithoutValueGoToPicocli() {
        assertThat(ServerCommand.parse(List.of("--help"))).isEmpty();
        assertThat(ServerCommand.parse(List.of("-h"))).isEmpty();
        assertThat(ServerCommand.parse(List.of("--verbose"))).isEmpty();
        assertThat(ServerCommand.parse(List.of("a.properties", "b.properties"))).isEmpty();
        assertThat(ServerCommand.parse(List.of("--override"))).isEmpty();
    }
}
