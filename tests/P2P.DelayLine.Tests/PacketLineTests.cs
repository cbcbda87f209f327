using System.Diagnostics;
using System.Net.Sockets;

namespace P2P.DelayLine.Tests;

/// <summary>
/// The line reads and writes one file descriptor, as it does a TUN device. A connected pair of Unix datagram sockets
/// stands in for the device: what the test sends on its end is what the line reads, and what the line writes comes
/// back to the test's end, one datagram per packet as with TUN.
/// </summary>
public sealed class PacketLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("p2p-delayline-").FullName;
    private readonly Socket _line;
    private readonly Socket _test;

    public PacketLineTests()
    {
        _line = Bound("line");
        _test = Bound("test");
        _line.Connect(new UnixDomainSocketEndPoint(Path.Combine(_dir, "test")));
        _test.Connect(new UnixDomainSocketEndPoint(Path.Combine(_dir, "line")));
        _line.Blocking = true; // the line's reader blocks in read(2), as on a TUN device
        _test.ReceiveTimeout = 10_000;
    }

    private Socket Bound(string name)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(_dir, name)));
        return socket;
    }

    private PacketLine Line(long holdNs, int capacity) => new((int)_line.Handle, holdNs, capacity);

    [Fact]
    public void Run_HoldsEveryPacketAtLeastTheHoldAndKeepsTheirOrder()
    {
        const int count = 40;
        var hold = TimeSpan.FromMilliseconds(20);
        using var line = Line((long)hold.TotalMilliseconds * 1_000_000, 64);
        line.Start();
        var sentAt = new long[count];
        for (var i = 0; i < count; i++)
        {
            sentAt[i] = Stopwatch.GetTimestamp();
            _test.Send(new byte[] { (byte)i, 0xAB, (byte)(255 - i) });
        }
        var buffer = new byte[64];
        for (var i = 0; i < count; i++)
        {
            var n = _test.Receive(buffer);
            Assert.True(Stopwatch.GetElapsedTime(sentAt[i]) >= hold, $"packet {i} came back before the hold");
            Assert.Equal(new byte[] { (byte)i, 0xAB, (byte)(255 - i) }, buffer[..n]);
        }
        Assert.Equal(count, line.Forwarded);
        Assert.Equal(0, line.Dropped);
    }

    [Fact]
    public void Run_FullQueue_DropsTheNewestPacketsAndKeepsTheQueued()
    {
        // A hold far beyond the test's life: nothing leaves, so the ring fills at its capacity of four.
        using var line = Line(TimeSpan.FromMinutes(10).Ticks * 100, 4);
        line.Start();
        for (var i = 0; i < 10; i++)
            _test.Send(new byte[] { (byte)i });
        var deadline = Stopwatch.StartNew();
        while (line.Dropped < 6 && deadline.Elapsed < TimeSpan.FromSeconds(10))
            Thread.Yield();
        Assert.Equal(6, line.Dropped);
        Assert.Equal(4, line.MaxDepth);
        Assert.Equal(0, line.Forwarded);
        Assert.Equal(0, _test.Available);
    }

    public void Dispose()
    {
        // Shutting the line's end down wakes its reader from read(2) with end of file, so its thread ends.
        _line.Shutdown(SocketShutdown.Both);
        _line.Dispose();
        _test.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
