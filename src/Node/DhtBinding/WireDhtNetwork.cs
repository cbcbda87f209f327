using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2P.Dht;
using P2P.Dht.Network;
using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.DhtBinding;

/// <summary>
/// The DHT's outbound seam over the authenticated transport. Each request gets a fresh id and an entry in the
/// pending table; the answer is accepted only from the PeerId asked and only with the matching type (see
/// <see cref="PendingRequests"/>), and the request gives up after its timeout on the injected clock. Peers are
/// dialled on demand with their expected PeerId, so only a peer that proved its key can answer, and so only such
/// a peer can enter the routing table (the DHT adds contacts only after they answered).
/// </summary>
public sealed class WireDhtNetwork : IDhtNetwork
{
    private readonly ISecureTransport _transport;
    private readonly Dialer _dialer;
    private readonly DhtWireOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PendingRequests _pending;

    public WireDhtNetwork(ISecureTransport transport, Dialer dialer, DhtWireOptions? options = null,
        TimeProvider? time = null, ILogger<WireDhtNetwork>? logger = null)
    {
        _transport = transport;
        _dialer = dialer;
        _options = options ?? new DhtWireOptions();
        _options.Validate();
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _pending = new PendingRequests(_options.MaxPendingRequests);
    }

    /// <summary>
    /// A node that found itself unreachable asks as a DHT client (libp2p's client mode): others answer it but never put
    /// it in their routing tables, so their lookups never wait on a contact no one can dial.
    /// </summary>
    private bool IsClient => _transport.Nat.Reachability == Reachability.Private;

    /// <summary>Requests awaiting an answer now.</summary>
    public int PendingCount => _pending.Count;

    public async Task<bool> PingAsync(Contact to, CancellationToken ct) =>
        await RequestAsync(to, id => new PingMessage { RequestId = id, Client = IsClient }, WireMessageType.Pong, ct) is not null;

    public async Task<IReadOnlyList<Contact>?> FindNodeAsync(Contact to, Key target, CancellationToken ct)
    {
        var answer = await RequestAsync(to, id => new FindNodeMessage { RequestId = id, Target = target.ToArray(), Client = IsClient }, WireMessageType.Nodes, ct);
        return answer is NodesMessage nodes ? ContactMapper.FromWire(nodes.Contacts) : null;
    }

    public async Task<ProvidersReply?> GetProvidersAsync(Contact to, ReadOnlyMemory<byte> multihash, CancellationToken ct)
    {
        var answer = await RequestAsync(to, id => new GetProvidersMessage { RequestId = id, Key = multihash.ToArray(), Client = IsClient }, WireMessageType.Providers, ct);
        return answer is ProvidersMessage providers
            ? new ProvidersReply(ContactMapper.FromWire(providers.Providers), ContactMapper.FromWire(providers.Closer))
            : null;
    }

    public async Task<ValueReply?> GetValueAsync(Contact to, ReadOnlyMemory<byte> key, CancellationToken ct)
    {
        var answer = await RequestAsync(to, id => new GetValueMessage { RequestId = id, Key = key.ToArray(), Client = IsClient }, WireMessageType.Value, ct);
        return answer is ValueMessage value ? new ValueReply(value.Value, ContactMapper.FromWire(value.Closer)) : null;
    }

    /// <summary>PUT_VALUE; the peer echoes the value when it stored it and sends none when it refused.</summary>
    public async Task<bool> PutValueAsync(Contact to, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, CancellationToken ct)
    {
        var answer = await RequestAsync(to, id => new PutValueMessage { RequestId = id, Key = key.ToArray(), Value = value.ToArray(), Client = IsClient },
            WireMessageType.Value, ct);
        return answer is ValueMessage { Value: { } held } && held.AsSpan().SequenceEqual(value.Span);
    }

    /// <summary>
    /// Sends ADD_PROVIDER, which has no answer of its own (as in libp2p), then a PING on the same ordered channel.
    /// The receiver handles one channel's messages in order, so its PONG proves the announcement was processed.
    /// </summary>
    public async Task<bool> AddProviderAsync(Contact to, ReadOnlyMemory<byte> multihash, CancellationToken ct)
    {
        var self = WireContact.From(_transport.LocalPeerId, _transport.LocalEndPoint);
        // Behind a NAT the record must say how to reach us: through a relay that holds a reservation for us.
        if (IsClient && _transport.Nat.Reservations is [var relay, ..])
        {
            self.RelayPeerId = relay.Relay.Bytes.ToArray();
            self.RelayAddress = relay.EndPoint.Address.GetAddressBytes();
            self.RelayPort = (ushort)relay.EndPoint.Port;
        }
        var announce = new AddProviderMessage { RequestId = 0, Key = multihash.ToArray(), Provider = self, Client = IsClient };
        var answer = await RequestAsync(to, id => { announce.RequestId = id; return announce; }, WireMessageType.Pong, ct,
            barrier: id => new PingMessage { RequestId = id, Client = IsClient });
        return answer is not null;
    }

    /// <summary>Called by the message router with a DHT answer; null when accepted, else why it was dropped.</summary>
    public string? HandleResponse(InboundMessage raw, WireMessage message)
    {
        var requestId = message switch
        {
            PongMessage pong => pong.RequestId,
            NodesMessage nodes => nodes.RequestId,
            ProvidersMessage providers => providers.RequestId,
            ValueMessage value => value.RequestId,
            _ => (ulong?)null,
        };
        return requestId is { } id ? _pending.TryComplete(raw.PeerId, id, message) : $"{message.Type} is not a DHT answer";
    }

    /// <summary>Fails every request in flight (the node is stopping).</summary>
    public void CancelAll() => _pending.CancelAll();

    private async Task<WireMessage?> RequestAsync(Contact to, Func<ulong, WireMessage> build, WireMessageType expected,
        CancellationToken ct, Func<ulong, WireMessage>? barrier = null)
    {
        if (ContactMapper.PeerIdOf(to) is not { } peerId)
            return null;
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        var entry = _pending.Add(peerId, expected);
        if (entry is null)
        {
            _logger.LogDebug("DHT request to {Peer} refused: {Max} requests already pending", peerId, _options.MaxPendingRequests);
            return null;
        }
        try
        {
            var peer = await _dialer.GetOrConnectAsync(peerId, to.EndPoint, ContactMapper.RelayOf(to), linked.Token);
            if (peer is null)
                return null;
            var first = build(entry.Id);
            if (!await _transport.SendAsync(peer, WireCodec.Encode(first), _options.Channel, linked.Token))
                return null;
            if (barrier is not null && !await _transport.SendAsync(peer, WireCodec.Encode(barrier(entry.Id)), _options.Channel, linked.Token))
                return null;
            return await entry.Completion.Task.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
        catch (ObjectDisposedException)
        {
            return null; // The transport closed under the request (shutdown): no answer.
        }
        finally
        {
            _pending.Remove(entry);
        }
    }
}
