using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.Exchange;

/// <summary>
/// Sends the exchange's small messages (wants, haves, don't-haves, cancels) on the control channel, so they
/// never queue behind a block; a send cut short by shutdown is not an error.
/// </summary>
internal sealed class ControlSender(ISecureTransport transport, ExchangeTasks tasks)
{
    public async Task SendAsync(PeerState peer, WireMessage message)
    {
        try
        {
            await transport.SendAsync(peer.Peer, WireCodec.Encode(message), BlockExchange.ControlChannel, tasks.Stopping);
        }
        catch (OperationCanceledException) when (tasks.IsStopping)
        {
        }
    }

    /// <summary>Withdraws a want from the peers that lost it (still connected ones), without waiting for the sends.</summary>
    public void SendCancels(byte[] cid, IEnumerable<PeerState> losers)
    {
        foreach (var peer in losers)
        {
            if (peer.Peer.IsConnected)
                tasks.Run(() => SendAsync(peer, new CancelMessage { Cids = [cid] }));
        }
    }
}
