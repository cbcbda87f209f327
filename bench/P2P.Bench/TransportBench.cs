using System.Diagnostics;
using System.Globalization;
using System.Net;
using P2P.Node.Multiformats;
using P2P.Node.Security;
using P2P.Node.Transport;

namespace P2P.Bench;

/// <summary>
/// Console benchmark of <see cref="LiteNetTransport"/>: 256 KiB messages spread round-robin over the channels, timed
/// from the first send until the receiver confirms it has every message (decrypted). Modes:
/// <c>transport inproc [channels] [suite] [MiB]</c>, <c>transport twoproc [channels] [suite] [MiB]</c> (spawns a
/// receiver process), and <c>transport serve [channels] [count]</c> (the receiver half, used by twoproc).
/// </summary>
public static class TransportBench
{
    private const int MessageSize = 256 * 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "inproc";
        var channels = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;
        switch (mode)
        {
            case "serve":
                await ServeAsync(channels, int.Parse(args[2], CultureInfo.InvariantCulture));
                return 0;
            case "inproc":
            case "twoproc":
                var suite = args.Length > 2 ? Enum.Parse<CipherSuite>(args[2], ignoreCase: true) : CipherSuite.Aegis128L;
                var mib = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 256;
                var mbps = mode == "inproc" ? await InProcessAsync(channels, suite, mib) : await TwoProcessAsync(channels, suite, mib);
                Console.WriteLine($"{mode} channels={channels} suite={suite} size={mib} MiB bulk={Environment.GetEnvironmentVariable("P2P_BULK") != "0"}: {mbps:F1} MB/s, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
                return 0;
            default:
                Console.Error.WriteLine("usage: transport inproc|twoproc [channels] [suite] [MiB] | serve channels count");
                return 2;
        }
    }

    /// <summary>P2P_BULK=0 measures LiteNetLib alone (no TCP bulk stream).</summary>
    private static TransportOptions Options(int channels, CipherSuite suite) => new()
    {
        ChannelCount = channels,
        CipherSuites = suite,
        BulkTransport = Environment.GetEnvironmentVariable("P2P_BULK") != "0",
    };

    private static async Task<double> InProcessAsync(int channels, CipherSuite suite, int mib)
    {
        using var senderId = NodeIdentity.Generate();
        using var receiverId = NodeIdentity.Generate();
        await using var sender = new LiteNetTransport(senderId, Options(channels, suite));
        await using var receiver = new LiteNetTransport(receiverId, Options(channels, suite));
        sender.Start(new IPEndPoint(IPAddress.Loopback, 0));
        receiver.Start(new IPEndPoint(IPAddress.Loopback, 0));
        var count = mib * 1024 * 1024 / MessageSize;
        var receiving = ReceiveAsync(receiver, count);
        return await SendAsync(sender, receiver.LocalEndPoint, receiverId.PeerId, channels, count, receiving);
    }

    private static async Task<double> TwoProcessAsync(int channels, CipherSuite suite, int mib)
    {
        var count = mib * 1024 * 1024 / MessageSize;
        var self = typeof(TransportBench).Assembly.Location;
        using var child = Process.Start(new ProcessStartInfo("dotnet", $"\"{self}\" transport serve {channels} {count}")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var line = await child.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("receiver exited");
        var parts = line.Split(' ');
        using var senderId = NodeIdentity.Generate();
        await using var sender = new LiteNetTransport(senderId, Options(channels, suite));
        sender.Start(new IPEndPoint(IPAddress.Loopback, 0));
        var result = await SendAsync(sender, IPEndPoint.Parse(parts[1]), PeerId.Parse(parts[0]), channels, count, null);
        await child.WaitForExitAsync();
        return result;
    }

    private static async Task ServeAsync(int channels, int count)
    {
        using var id = NodeIdentity.Generate();
        await using var receiver = new LiteNetTransport(id, Options(channels, CipherSuite.None));
        receiver.Start(new IPEndPoint(IPAddress.Loopback, 0));
        Console.WriteLine($"{id.PeerId} {receiver.LocalEndPoint}");
        await ReceiveAsync(receiver, count);
    }

    /// <summary>Reads <paramref name="count"/> messages, then answers the sender with one byte so it can stop its clock.</summary>
    private static async Task ReceiveAsync(LiteNetTransport receiver, int count)
    {
        SecurePeer? from = null;
        long bytes = 0;
        for (var i = 0; i < count; i++)
        {
            var message = await receiver.Inbound.ReadAsync();
            from = message.Peer;
            bytes += message.Payload.Length;
        }
        if (bytes != (long)count * MessageSize)
            throw new InvalidOperationException($"received {bytes} bytes, expected {(long)count * MessageSize}");
        await receiver.SendAsync(from!, new byte[] { 1 }, 0, CancellationToken.None);
        // Let the ack leave before the transport stops.
        await receiver.Inbound.ReadAsync();
    }

    private static async Task<double> SendAsync(LiteNetTransport sender, IPEndPoint to, PeerId peerId, int channels, int count, Task? receiving)
    {
        var connected = await sender.ConnectAsync(to, peerId, CancellationToken.None);
        if (!connected.Succeeded)
            throw new InvalidOperationException(connected.Error);
        var peer = connected.Peer!;
        var block = new byte[MessageSize];
        new Random(1).NextBytes(block);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
            await sender.SendAsync(peer, block, (byte)(i % channels), CancellationToken.None);
        await sender.Inbound.ReadAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        await sender.SendAsync(peer, new byte[] { 2 }, 0, CancellationToken.None);
        if (receiving is not null)
            await receiving;
        return (double)count * MessageSize / seconds / 1e6;
    }
}
