using LiteNetLib;
using P2P.Node.Security;

namespace P2P.Node.Transport;

/// <summary>
/// Authenticated liveness, which <see cref="SessionGuard"/> relies on: every session sends a sealed keepalive every
/// <see cref="KeepaliveInterval"/>, every verified frame refreshes <see cref="SecurePeer.LastVerified"/>, our own
/// disconnects carry a sealed goodbye, and a session that was sent an unauthenticated reset or disconnect is closed
/// here only if it then stays silent. LiteNetLib's own keepalive cannot serve: its pings are as forgeable as the
/// rest of its control packets. All time comes from the injected <see cref="TimeProvider"/>; the tick runs on its
/// timer thread, the rest on LiteNetLib's receive thread, and the only state is each session's interlocked stamps.
/// </summary>
internal sealed class SessionLiveness(SessionTable sessions, DropCounter<DropReason> drops, TimeProvider time, Action<SecurePeer, string> closeLocally) : IDisposable
{
    /// <summary>How often each session sends a sealed keepalive.</summary>
    internal static readonly TimeSpan KeepaliveInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// No verified frame for this long (four keepalives) and the session is silent: a connect request from its
    /// endpoint may replace it, and a pending suspicion closes it.
    /// </summary>
    internal static readonly TimeSpan SilentAfter = TimeSpan.FromSeconds(2);

    private static readonly byte[] GoodbyeLabel = "p2p/bye"u8.ToArray();

    private ITimer? _keepalive;
    private volatile bool _stopped;

    public void Start() =>
        _keepalive = time.CreateTimer(static s => ((SessionLiveness)s!).Tick(), this, KeepaliveInterval, KeepaliveInterval);

    public bool IsSilent(SecurePeer secure) => time.GetElapsedTime(secure.LastVerified) >= SilentAfter;

    public void Suspect(SecurePeer secure) => secure.Suspect(time.GetTimestamp());

    /// <summary>The sealed goodbye our disconnect packets carry as LiteNetLib's additional data.</summary>
    public static byte[] Goodbye(SecurePeer secure) => secure.Session.Seal(GoodbyeLabel);

    /// <summary>True when <paramref name="data"/> is a goodbye sealed by this session's peer (and not seen before).</summary>
    public static bool IsGoodbye(SecurePeer secure, ReadOnlySpan<byte> data)
    {
        if (secure.Session.PlaintextLength(data.Length) != GoodbyeLabel.Length)
            return false;
        Span<byte> plaintext = stackalloc byte[GoodbyeLabel.Length];
        return secure.Session.TryOpen(data, plaintext) == SessionOpenStatus.Ok && plaintext.SequenceEqual(GoodbyeLabel);
    }

    public void OnKeepalive(SecurePeer secure, ReadOnlySpan<byte> sealedFrame)
    {
        if (secure.Session.PlaintextLength(sealedFrame.Length) != 0)
        {
            drops.Count(DropReason.MalformedFrame, secure.RemoteEndPoint, "keepalive with a payload");
            return;
        }
        switch (secure.Session.TryOpen(sealedFrame, []))
        {
            case SessionOpenStatus.Ok:
                secure.Verified(time.GetTimestamp());
                break;
            case SessionOpenStatus.Replayed:
                drops.Count(DropReason.Replayed, secure.RemoteEndPoint, "keepalive");
                break;
            default:
                drops.Count(DropReason.Forged, secure.RemoteEndPoint, "keepalive");
                break;
        }
    }

    /// <summary>Runs each keepalive interval: closes sessions that stayed silent under suspicion, then says we are alive.</summary>
    internal void Tick()
    {
        if (_stopped)
            return;
        foreach (var secure in sessions.All)
        {
            if (!secure.IsConnected)
                continue;
            var suspected = secure.SuspectedAt;
            if (suspected != 0)
            {
                if (IsSilent(secure))
                {
                    closeLocally(secure, "silent after an unauthenticated reset or disconnect");
                    continue;
                }
                if (secure.LastVerified > suspected)
                    secure.ClearSuspicion(); // it has spoken since: the reset was not its own
            }
            SendKeepalive(secure);
        }
    }

    private static void SendKeepalive(SecurePeer secure)
    {
        var frame = new byte[1 + secure.Session.SealedLength(0)];
        frame[0] = (byte)FrameKind.Keepalive;
        secure.Session.Seal([], frame.AsSpan(1));
        // Unreliable: a lost keepalive is replaced by the next, and a late one fails the replay check harmlessly.
        secure.NetPeer.Send(frame, 0, DeliveryMethod.Unreliable);
    }

    public void Dispose()
    {
        _stopped = true;
        _keepalive?.Dispose();
    }
}
