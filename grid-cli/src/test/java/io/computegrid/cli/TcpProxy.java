package io.computegrid.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy between an agent and the server that a test can cut: while cut it is a black hole (it
 * accepts connections and reads what comes, but forwards nothing either way, as a broken route or a NAT that lost
 * its mapping would); {@link #heal} closes every connection that lived through the cut and forwards again.
 */
final class TcpProxy implements AutoCloseable {
    private final ServerSocket listen;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean cut;
    private volatile boolean closed;

    TcpProxy(int target) throws IOException {
        this.target = target;
        this.listen = new ServerSocket();
        listen.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(this::accept, "proxy-" + port());
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listen.getLocalPort();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    void cut() {
        cut = true;
    }

    void heal() {
        for (Socket s : sockets) {
            close(s);
        }
        sockets.clear();
        cut = false;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listen.accept();
                sockets.add(client);
                if (cut) {
                    pump(client.getInputStream(), null, client, null); // swallow: nothing gets through
                    continue;
                }
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(server);
                pump(client.getInputStream(), server.getOutputStream(), client, server);
                pump(server.getInputStream(), client.getOutputStream(), server, client);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(InputStream in, OutputStream out, Socket a, Socket b) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (cut || out == null) {
                        continue; // a black hole: read and drop
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // closed by heal() or by either side
            } finally {
                if (!cut) {
                    close(a);
                    if (b != null) {
                        close(b);
                    }
                }
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listen.close();
        heal();
    }
}
