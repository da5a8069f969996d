package io.computegrid.cli.serving;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where {@code grid model-server} listens, given the GRID_HOST its backend passed. */
class ModelServerHostTest {
    @Test
    void loopbackStaysLoopbackAndAnAdvertisedAddressListensOnAllInterfaces() {
        assertThat(ModelServerCommand.listenHost(null)).isEqualTo("127.0.0.1");
        assertThat(ModelServerCommand.listenHost(" ")).isEqualTo("127.0.0.1");
        assertThat(ModelServerCommand.listenHost("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(ModelServerCommand.listenHost("127.0.0.20")).isEqualTo("127.0.0.20");
        assertThat(ModelServerCommand.listenHost("localhost")).isEqualTo("localhost");
        // an agent behind NAT may advertise an address that is not its own: bind every interface instead
        assertThat(ModelServerCommand.listenHost("10.8.0.12")).isEqualTo("0.0.0.0");
        assertThat(ModelServerCommand.listenHost("box1.example")).isEqualTo("0.0.0.0");
    }
}
