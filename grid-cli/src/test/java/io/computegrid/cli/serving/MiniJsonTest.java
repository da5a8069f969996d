package io.computegrid.cli.serving;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The demo replica's tiny JSON reader and writer. */
class MiniJsonTest {
    @Test
    void readsATopLevelStringFieldOnly() {
        assertThat(MiniJson.stringField("{\"prompt\": \"hi\"}", "prompt")).isEqualTo("hi");
        assertThat(MiniJson.stringField(" {\"a\": {\"prompt\": \"inner\"}, \"prompt\": \"outer\"}", "prompt"))
                .isEqualTo("outer");
        assertThat(MiniJson.stringField("{\"n\": 3, \"list\": [\"prompt\", \"x\"], \"prompt\": \"a\\\"b\\\\c\\u0041\"}",
                "prompt")).isEqualTo("a\"b\\cA");
        assertThat(MiniJson.stringField("{\"other\": \"x\"}", "prompt")).isEmpty();
        assertThat(MiniJson.stringField("{\"prompt\": 7}", "prompt")).isEmpty();
        assertThat(MiniJson.stringField("[1, 2]", "prompt")).isNull();
        assertThat(MiniJson.stringField("{\"prompt\": \"open", "prompt")).isNull();
    }

    @Test
    void quotesWhatItWrites() {
        assertThat(MiniJson.quote("a\"b\\c\n\u0001")).isEqualTo("\"a\\\"b\\\\c\\n\\u0001\"");
        assertThat(MiniJson.stringField("{\"p\": " + MiniJson.quote("x\"y\n") + "}", "p")).isEqualTo("x\"y\n");
    }
}
