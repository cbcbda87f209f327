using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace P2P.Cli.Tests;

/// <summary>What one flood sent.</summary>
public sealed record FloodResult(long Sent, TimeSpan Elapsed)
{
    public double PerSecond => Sent / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <summary>
/// Sends hostile datagrams from 127.0.0.1 at a node's UDP port in a loop bounded by count and by time: random bytes,
/// LiteNetLib-shaped headers (every packet property, connect requests carrying p2p's key) followed by garbage,
/// truncated and oversized copies of those, and replays of earlier datagrams. Seeded, so a run can be repeated.
/// </summary>
public static class FloodSender
{
    private const int MaxDatagram = 65_507;

    public static async Task<FloodResult> RunAsync(int port, long count, TimeSpan limit, int seed, CancellationToken ct)
    {
        var random = new Random(seed);
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, port);
        var history = new byte[64][];
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (sent < count && clock.Elapsed < limit && !ct.IsCancellationRequested)
        {
            var datagram = Next(random, history, sent);
            history[sent % history.Length] = datagram;
            try
            {
                await udp.SendAsync(datagram, target, ct);
            }
            catch (SocketException)
            {
                // Loopback may refuse a burst (ENOBUFS) or report the port closed (ECONNREFUSED from an earlier
                // datagram); the flood goes on, the test judges the node by its answers.
            }
            sent++;
        }
        return new FloodResult(sent, clock.Elapsed);
    }

    private static byte[] Next(Random random, byte[][] history, long index)
    {
        var kind = random.Next(6);
        if (kind == 0 && index > history.Length)
            return history[random.Next(history.Length)];
        if (kind == 1 && index > history.Length)
        {
            var source = history[random.Next(history.Length)];
            return source[..random.Next(source.Length + 1)];
        }
        if (kind == 2)
        {
            var oversized = new byte[random.Next(1_500, MaxDatagram + 1)];
            random.NextBytes(oversized);
            oversized[0] = (byte)random.Next(18);
            return oversized;
        }
        if (kind == 3)
            return ConnectRequest(random);
        var data = new byte[random.Next(1, 1_433)];
        random.NextBytes(data);
        // Half of the random datagrams carry a valid LiteNetLib packet property (0-17) in the low five bits.
        if (kind == 4)
            data[0] = (byte)((data[0] & 0xE0) | random.Next(18));
        return data;
    }

    /// <summary>A LiteNetLib-shaped connect request (property 5, protocol id, time, peer id, address) with p2p's key.</summary>
    private static byte[] ConnectRequest(Random random)
    {
        var key = "p2p/1"u8;
        var data = new byte[1 + 4 + 8 + 4 + 1 + 16 + 1 + key.Length + random.Next(0, 64)];
        random.NextBytes(data);
        data[0] = 5;
        BitConverter.TryWriteBytes(data.AsSpan(1), random.Next(2) == 0 ? 13 : random.Next());
        data[17] = 16;
        data[34] = (byte)key.Length;
        key.CopyTo(data.AsSpan(35));
        return data;
    }
}
