using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text.Json;
using P2P.Node.Hosting.Local;

namespace P2P.Node.Tests.Hosting.Local;

/// <summary>The local channel's frames: length-prefixed JSON with a hard cap, and descriptors riding on a send.</summary>
public sealed class LocalFramesTests
{
    [Fact]
    public void Encode_ThenRead_GivesTheRequestBack()
    {
        if (!UnixRights.Supported)
            return;
        var (left, right) = Pair();
        using (left)
        using (right)
        {
            var request = new LocalRequest { Op = "cat", Args = ["bafy1", "bafy2/a"], Offset = 5, Length = 7, Timeout = "30s" };
            left.Send(LocalFrames.Encode(request));
            var frame = LocalFrames.Read(right)!.Value;
            var back = frame.Deserialize<LocalRequest>();
            Assert.NotNull(back);
            Assert.Equal(request, back with { Args = request.Args });
            Assert.Equal(["bafy1", "bafy2/a"], frame.GetProperty("Args").EnumerateArray().Select(a => a.GetString()));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(LocalFrames.MaxFrame + 1)]
    public void LengthOf_OutsideTheLimit_IsRefused(int length)
    {
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, length);
        Assert.Equal(-1, LocalFrames.LengthOf(prefix));
    }

    [Fact]
    public void Encode_OverTheLimit_Throws() =>
        Assert.Throws<ArgumentException>(() => LocalFrames.Encode(new LocalRequest { Args = [new string('a', LocalFrames.MaxFrame)] }));

    [Fact]
    public void Read_OfAFrameCutShort_IsInvalidData()
    {
        if (!UnixRights.Supported)
            return;
        var (left, right) = Pair();
        using (right)
        {
            left.Send([0, 0, 0, 10, (byte)'{']);
            left.Dispose();
            Assert.Throws<InvalidDataException>(() => LocalFrames.Read(right));
        }
    }

    [Fact]
    public void Send_WithADescriptor_ArrivesAsANewDescriptorForTheSameFile()
    {
        if (!UnixRights.Supported)
            return;
        var path = Path.GetTempFileName();
        try
        {
            var (left, right) = Pair();
            using (left)
            using (right)
            using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write))
            {
                UnixRights.Send(left, "hi"u8, [(int)handle.DangerousGetHandle()]);
                var fds = new List<int>();
                var buffer = new byte[16];
                Assert.Equal(2, UnixRights.ReceiveNow(right, buffer, fds, LocalFrames.MaxDescriptors, out var truncated));
                Assert.False(truncated);
                var fd = Assert.Single(fds);
                using (var stream = new DescriptorStream(fd, owns: true))
                    stream.Write("through the passed descriptor"u8);
                Assert.Equal(UnixRights.OwnUid(), UnixRights.PeerUid(right));
            }
            Assert.Equal("through the passed descriptor", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (Socket Left, Socket Right) Pair()
    {
        var path = Path.Join(Path.GetTempPath(), $"p2p-frames-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var left = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        left.Connect(new UnixDomainSocketEndPoint(path));
        var right = listener.Accept();
        File.Delete(path);
        return (left, right);
    }
}
