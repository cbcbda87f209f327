using System.Net;
using System.Net.Sockets;
using P2P.Node.Security;
using P2P.Node.Transport;

namespace P2P.Node.Tests.Transport;

/// <summary>The bulk stream's opening and record framing over a loopback TCP pair, without LiteNetLib.</summary>
public sealed class BulkBindTests : IAsyncLifetime
{
    private readonly NodeIdentity _dialler = NodeIdentity.Generate();
    private readonly NodeIdentity _listener = NodeIdentity.Generate();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(20));
    private SecureSession _diallerSession = null!;
    private SecureSession _listenerSession = null!;
    private BulkStream _dial = null!;
    private BulkStream _accept = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync()
    {
        using var initiator = new HandshakeInitiator(_dialler, _listener.PeerId, CipherSuite.Aegis128L);
        using var responder = new HandshakeResponder(_listener);
        Assert.True(responder.TryProcessHello(initiator.CreateHello(), out var reply, out _));
        Assert.True(initiator.TryProcessReply(reply, out var finish, out var si, out _));
        Assert.True(responder.TryProcessFinish(finish, out var sr, out _));
        (_diallerSession, _listenerSession) = (si!, sr!);

        var tcp = new TcpListener(IPAddress.Loopback, 0);
        tcp.Start();
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accepting = tcp.AcceptSocketAsync(Ct);
        await socket.ConnectAsync((IPEndPoint)tcp.LocalEndpoint, Ct);
        _dial = new BulkStream(socket);
        _accept = new BulkStream(await accepting);
        tcp.Stop();
    }

    public async Task DisposeAsync()
    {
        await _dial.DisposeAsync();
        await _accept.DisposeAsync();
        _dialler.Dispose();
        _listener.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task ReadRecord_BindFromTheSession_NamesTheDiallerAndVerifies()
    {
        Assert.True(await BulkBind.WriteAsync(_dial, _dialler.PeerId, _listener.PeerId, _diallerSession, Ct));

        Assert.Equal(_dialler.PeerId, await BulkBind.ReadPrefixAsync(_accept, Ct));
        Assert.True(await BulkBind.ReadRecordAsync(_accept, _listenerSession, _listener.PeerId, Ct));
    }

    [Fact]
    public async Task ReadRecord_BindNamingAnotherListener_IsRejected()
    {
        using var other = NodeIdentity.Generate();
        Assert.True(await BulkBind.WriteAsync(_dial, _dialler.PeerId, other.PeerId, _diallerSession, Ct));

        Assert.NotNull(await BulkBind.ReadPrefixAsync(_accept, Ct));
        Assert.False(await BulkBind.ReadRecordAsync(_accept, _listenerSession, _listener.PeerId, Ct));
    }

    [Fact]
    public async Task ReadRecord_ReplayedBind_IsRejectedByTheReplayWindow()
    {
        var header = new byte[BulkStream.HeaderLength];
        Assert.True(await BulkBind.WriteAsync(_dial, _dialler.PeerId, _listener.PeerId, _diallerSession, Ct));
        var prefix = new byte[BulkBind.PrefixLength];
        await _accept.Stream.ReadExactlyAsync(prefix, Ct);
        var record = (await _accept.ReadHeaderAsync(header, Ct))!.Value;
        var sealedBind = new byte[record.Length];
        await _accept.Stream.ReadExactlyAsync(sealedBind, Ct);
        Assert.Equal(SessionOpenStatus.Ok, _listenerSession.TryOpen(sealedBind, new byte[_listenerSession.PlaintextLength(sealedBind.Length)]));

        // The same sealed bind, written again as a captured copy would be.
        await _dial.Stream.WriteAsync(header.AsMemory(0, BulkStream.HeaderLength), Ct);
        await _dial.Stream.WriteAsync(sealedBind, Ct);

        Assert.False(await BulkBind.ReadRecordAsync(_accept, _listenerSession, _listener.PeerId, Ct));
    }

    [Fact]
    public async Task ReadPrefix_WrongMagic_IsNotABulkStream()
    {
        await _dial.Stream.WriteAsync(new byte[BulkBind.PrefixLength], Ct);

        Assert.Null(await BulkBind.ReadPrefixAsync(_accept, Ct));
    }

    [Fact]
    public async Task SendAsync_Records_ArriveFramedWithTheirChannelAndOpen()
    {
        var message = new byte[300_000];
        new Random(12).NextBytes(message);

        Assert.True(await _dial.SendAsync(_diallerSession, message, 9, Ct));

        var header = new byte[BulkStream.HeaderLength];
        var record = (await _accept.ReadHeaderAsync(header, Ct))!.Value;
        Assert.Equal((byte)9, record.Channel);
        Assert.Equal(_diallerSession.SealedLength(message.Length), record.Length);
        var frame = new byte[record.Length];
        await _accept.Stream.ReadExactlyAsync(frame, Ct);
        var plaintext = new byte[_listenerSession.PlaintextLength(frame.Length)];
        Assert.Equal(SessionOpenStatus.Ok, _listenerSession.TryOpen(frame, plaintext));
        Assert.Equal(message, plaintext);
    }

    [Fact]
    public async Task ReadHeader_CleanEndOfStream_IsNull()
    {
        _dial.Close();

        Assert.Null(await _accept.ReadHeaderAsync(new byte[BulkStream.HeaderLength], Ct));
    }
}
