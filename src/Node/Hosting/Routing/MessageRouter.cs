using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2P.Dht;
using P2P.Node.DhtBinding;
using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.Hosting.Routing;

/// <summary>
/// The one reader of <see cref="ISecureTransport.Inbound"/>: decodes each message with <see cref="WireCodec"/> and
/// hands DHT requests to the <see cref="DhtRequestServer"/>, DHT answers to the <see cref="WireDhtNetwork"/> and
/// exchange messages to the registered <see cref="IWireMessageSink"/>. Messages are handled one at a time in
/// arrival order, which is what lets ADD_PROVIDER be acknowledged by a PING that follows it on the same channel.
/// Nothing a peer sends ends the loop: every failure is a counted, once-logged drop.
/// </summary>
public sealed class MessageRouter
{
    private readonly ISecureTransport _transport;
    private readonly DhtRequestServer _server;
    private readonly WireDhtNetwork _network;
    private readonly ILogger _logger;

    /// <summary>Messages read; written by the router loop only, read by anyone through Interlocked.</summary>
    private long _received;

    public MessageRouter(ISecureTransport transport, DhtRequestServer server, WireDhtNetwork network, ILogger<MessageRouter>? logger = null)
    {
        _transport = transport;
        _server = server;
        _network = network;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Drops = new DropCounter<MessageDropReason>(_logger, "message", [MessageDropReason.UnsolicitedResponse]);
        Drops.Counted += _ => DropsChanged.Pulse();
    }

    /// <summary>The server DHT requests go to (it counts the requests it drops over their rate).</summary>
    public DhtRequestServer DhtServer => _server;

    /// <summary>Messages the router discarded, by reason.</summary>
    public DropCounter<MessageDropReason> Drops { get; }

    /// <summary>Pulsed after each counted drop, so a test can wait for one without polling.</summary>
    public ChangeSignal DropsChanged { get; } = new();

    /// <summary>Where exchange messages go; null drops them with a counted warning.</summary>
    public IWireMessageSink? ExchangeSink { get; set; }

    /// <summary>Messages handled so far (dropped ones included).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Runs until <paramref name="ct"/> is cancelled or the transport closes its inbound queue.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var raw in _transport.Inbound.ReadAllAsync(ct))
            {
                Interlocked.Increment(ref _received);
                try
                {
                    await DispatchAsync(raw, ct);
                }
                finally
                {
                    // The message's own hold ends here: a handler that keeps bytes beyond dispatch (a fetched block) took a
                    // lease of its own, and the buffer goes back to its pool when the last lease is disposed.
                    raw.Release();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    /// <summary>Handles one inbound message; never throws for anything the peer sent.</summary>
    public async ValueTask DispatchAsync(InboundMessage raw, CancellationToken ct)
    {
        if (!WireCodec.TryDecode(raw.Payload, out var message, out var error))
        {
            Drops.Count(MessageDropReason.Undecodable, raw.PeerId, error ?? "undecodable");
            return;
        }
        try
        {
            var type = message!.Type;
            if (DhtRequestServer.IsRequest(type))
            {
                if (await _server.HandleAsync(raw, message, ct) is { } refused)
                    Drops.Count(MessageDropReason.RefusedRequest, raw.PeerId, refused);
            }
            else if (DhtRequestServer.IsResponse(type))
            {
                if (_network.HandleResponse(raw, message) is { } unsolicited)
                    Drops.Count(MessageDropReason.UnsolicitedResponse, raw.PeerId, unsolicited);
            }
            else if (ExchangeSink is { } sink)
            {
                await sink.HandleAsync(raw, message, ct);
            }
            else
            {
                Drops.Count(MessageDropReason.NoExchange, raw.PeerId, $"{type} with no exchange registered");
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            Drops.Count(MessageDropReason.HandlerFailed, raw.PeerId, $"{message!.Type} handler threw {e.GetType().Name}", e);
        }
    }
}
