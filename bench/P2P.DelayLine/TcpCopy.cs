using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace P2P.DelayLine;

/// <summary>The baseline: a plain TCP copy of a file over the same link, with nothing but the kernel's TCP between
/// the bytes and the wire. The server sends the whole file to each connection with sendfile(2); the client writes
/// what it receives to stdout.</summary>
internal static class TcpCopy
{
    /// <summary>Serves FILE to up to <paramref name="connections"/> clients, one at a time, then exits.</summary>
    public static async Task<int> ServeAsync(IPAddress address, int port, string file, int connections)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(address, port));
        listener.Listen(4);
        Console.WriteLine($"tcp-serve: listening on {address}:{port}");
        for (var i = 0; i < connections; i++)
        {
            using var client = await listener.AcceptAsync();
            await client.SendFileAsync(file);
            client.Shutdown(SocketShutdown.Send);
        }
        return 0;
    }

    /// <summary>Reads one connection to its end into stdout; reports bytes and seconds from connect to end on stderr.</summary>
    public static async Task<int> GetAsync(IPAddress address, int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var watch = Stopwatch.StartNew();
        await socket.ConnectAsync(new IPEndPoint(address, port));
        await using var output = Console.OpenStandardOutput();
        var buffer = new byte[256 * 1024];
        long total = 0;
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
        {
            await output.WriteAsync(buffer.AsMemory(0, n));
            total += n;
        }
        var seconds = watch.Elapsed.TotalSeconds;
        await Console.Error.WriteLineAsync($"tcp-get: {total} bytes in {seconds:F3} s ({total / seconds / 1e6:F1} MB/s, connect to end)");
        return 0;
    }
}
