using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using P2P.Node.Nat.PortMapping;

namespace P2P.Node.Tests.Nat;

/// <summary>The mapper's loop on a fake clock with fake protocols; and the PCP client against a NAT-PMP-only gateway on loopback.</summary>
public class PortMapperTests
{
    private static readonly IPEndPoint External = new(IPAddress.Parse("11.78.1.1"), 4001);

    [Fact]
    public async Task Refresh_TakesTheFirstProtocolThatWorks_AndRenewsAtHalfTheLifetime()
    {
        var failing = new FakeClient("pcp") { Fail = true };
        var working = new FakeClient("upnp");
        var time = new FakeTimeProvider();
        await using var mapper = new PortMapper([failing, working], 4001, 4001, new PortMapperOptions(), time, NullLogger.Instance);
        IPEndPoint? seen = null;
        mapper.MappedAddressChanged += a => seen = a;
        var wait = await mapper.RefreshAsync(CancellationToken.None);
        Assert.Equal(External, mapper.MappedAddress);
        Assert.Equal(External, mapper.MappedBulkAddress);
        Assert.Equal(External, seen);
        Assert.Null(mapper.Failure);
        Assert.Equal(TimeSpan.FromHours(1), wait);
        Assert.Equal([MappedProtocol.Udp, MappedProtocol.Tcp], working.Mapped.Select(m => m.Protocol));
        // The renewal goes to the protocol that granted the mapping, naming the lease it renews.
        await mapper.RefreshAsync(CancellationToken.None);
        Assert.Single(failing.Mapped);
        Assert.NotNull(working.Mapped[2].Previous);
    }

    [Fact]
    public async Task Refresh_WhenTheGatewayStopsAnswering_LosesTheMappingAndRetriesLater()
    {
        var client = new FakeClient("pcp");
        var options = new PortMapperOptions { RetryInterval = TimeSpan.FromMinutes(5) };
        await using var mapper = new PortMapper([client], 4001, null, options, new FakeTimeProvider(), NullLogger.Instance);
        await mapper.RefreshAsync(CancellationToken.None);
        Assert.NotNull(mapper.MappedAddress);
        client.Fail = true;
        var wait = await mapper.RefreshAsync(CancellationToken.None);
        Assert.Null(mapper.MappedAddress);
        Assert.Equal("pcp refused", mapper.Failure);
        // The first retry comes soon (the gateway may only have been slow), later ones back off to RetryInterval.
        Assert.Equal(TimeSpan.FromSeconds(10), wait);
        Assert.Equal(TimeSpan.FromSeconds(20), await mapper.RefreshAsync(CancellationToken.None));
        for (var i = 0; i < 10; i++)
            wait = await mapper.RefreshAsync(CancellationToken.None);
        Assert.Equal(TimeSpan.FromMinutes(5), wait);
    }

    [Fact]
    public async Task Loop_RenewsOnTheInjectedClock_AndDispose_DeletesTheMappings()
    {
        var client = new FakeClient("pcp") { Lifetime = TimeSpan.FromMinutes(10) };
        var time = new FakeTimeProvider();
        var mapper = new PortMapper([client], 4001, 4001, new PortMapperOptions(), time, NullLogger.Instance);
        mapper.Start();
        await WaitUntilAsync(client, () => client.MappedCount == 2);
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(2, client.MappedCount);
        await WaitUntilAsync(client, () => client.MappedCount == 4, () => time.Advance(TimeSpan.FromSeconds(10)));
        await mapper.DisposeAsync();
        Assert.Equal(2, client.Deleted.Count);
    }

    [Fact]
    public async Task Create_ForALoopbackListener_SendsNothing()
    {
        await using var mapper = PortMapper.Create(new PortMapperOptions { Gateway = IPAddress.Loopback }, IPAddress.Loopback, 4001, null,
            TimeProvider.System, NullLoggerFactory.Instance);
        mapper.Start();
        Assert.Null(mapper.MappedAddress);
        Assert.Equal("the node listens on loopback only", mapper.Failure);
    }

    [Fact]
    public async Task PcpClient_AgainstANatPmpOnlyGateway_FallsBackToNatPmp_AndIgnoresGarbage()
    {
        using var gateway = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        gateway.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var gatewayEndPoint = (IPEndPoint)gateway.LocalEndPoint!;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var served = Task.Run(() => ServeNatPmpAsync(gateway, stop.Token));
        var client = new PcpNatPmpClient(gatewayEndPoint, IPAddress.Loopback, TimeProvider.System, NullLogger.Instance);
        var attempt = await client.MapAsync(MappedProtocol.Udp, 4001, TimeSpan.FromHours(2), null, stop.Token);
        Assert.Null(attempt.Failure);
        Assert.Equal("nat-pmp", attempt.Lease!.Method);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("11.78.1.1"), 40001), attempt.Lease.External);
        Assert.Equal(TimeSpan.FromSeconds(3600), attempt.Lease.Lifetime);
        Assert.Equal("nat-pmp", client.Method);
        await client.DeleteAsync(attempt.Lease, stop.Token);
        await stop.CancelAsync();
        var requests = await served;
        Assert.Equal(2, requests[0][0]); // PCP first
        Assert.Equal(new byte[] { 0, 0 }, requests[1]);
        Assert.Equal(1, requests[2][1]);
        Assert.Equal(0u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(requests[3].AsSpan(8))); // the delete
    }

    /// <summary>A NAT-PMP server that answers PCP with UNSUPP_VERSION, prefixes every answer with a garbage datagram, and logs requests.</summary>
    private static async Task<List<byte[]>> ServeNatPmpAsync(Socket socket, CancellationToken ct)
    {
        var requests = new List<byte[]>();
        var buffer = new byte[1100];
        try
        {
            while (true)
            {
                var r = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), ct);
                var request = buffer[..r.ReceivedBytes];
                requests.Add(request);
                await socket.SendToAsync(new byte[] { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3 }, SocketFlags.None, r.RemoteEndPoint, ct);
                byte[] answer = request[0] switch
                {
                    2 => [0, 128 + 2, 0, 1, 0, 0, 0, 9],
                    _ when request.Length == 2 => [0, 128, 0, 0, 0, 0, 0, 9, 11, 78, 1, 1],
                    _ => [0, (byte)(128 + request[1]), 0, 0, 0, 0, 0, 9, request[4], request[5], 0x9c, 0x41, 0, 0, 0x0e, 0x10],
                };
                await socket.SendToAsync(answer, SocketFlags.None, r.RemoteEndPoint, ct);
            }
        }
        catch (OperationCanceledException)
        {
            return requests;
        }
    }

    /// <summary>
    /// Waits for <paramref name="condition"/>, woken by each mapping call of the client (no polling); when
    /// <paramref name="advance"/> is given, the fake clock is moved on each time nothing is due yet, since the
    /// mapper may arm its renewal timer after the test's first advance.
    /// </summary>
    private static async Task WaitUntilAsync(FakeClient client, Func<bool> condition, Action? advance = null)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            advance?.Invoke();
            if (advance is null)
                await client.Calls.WaitAsync(deadline.Token);
            else
                await client.Calls.WaitAsync(TimeSpan.FromMilliseconds(100), deadline.Token);
        }
    }

    private sealed class FakeClient(string method) : IPortMappingClient
    {
        private readonly object _gate = new();

        public bool Fail { get; set; }

        public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(2);

        public List<(MappedProtocol Protocol, PortMappingLease? Previous)> Mapped { get; } = [];

        public List<PortMappingLease> Deleted { get; } = [];

        /// <summary>Released once per mapping call.</summary>
        public SemaphoreSlim Calls { get; } = new(0);

        public int MappedCount
        {
            get
            {
                lock (_gate)
                    return Mapped.Count;
            }
        }

        public string Method => method;

        public Task<MappingAttempt> MapAsync(MappedProtocol protocol, int internalPort, TimeSpan lifetime, PortMappingLease? previous, CancellationToken ct)
        {
            lock (_gate)
                Mapped.Add((protocol, previous));
            Calls.Release();
            return Task.FromResult(Fail
                ? MappingAttempt.Failed($"{method} refused")
                : MappingAttempt.Ok(new PortMappingLease(method, protocol, internalPort, External, Lifetime, [])));
        }

        public Task DeleteAsync(PortMappingLease lease, CancellationToken ct)
        {
            lock (_gate)
                Deleted.Add(lease);
            return Task.CompletedTask;
        }
    }
}
