using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace P2P.Node.Nat.PortMapping;

/// <summary>
/// One request/answer exchange with a gateway over UDP, as NAT-PMP and PCP do it: the request is resent after
/// 250 ms, then 500 ms, then 1 s (RFC 6886 §3.1's schedule, cut to three tries so a gateway that says nothing
/// costs under two seconds). The socket is connected to the gateway, so the kernel drops datagrams from anyone
/// else; a datagram from the gateway that is not an answer is dropped with one log line.
/// </summary>
internal static class UdpRequest
{
    /// <summary>PCP's largest message (RFC 6887 §7); NAT-PMP's are smaller.</summary>
    private const int MaxDatagram = 1100;

    /// <summary>Non-answers read per exchange before giving up: a gateway spraying garbage cannot hold us.</summary>
    private const int MaxIgnored = 16;

    private static readonly TimeSpan[] Waits = [TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)];

    /// <summary>
    /// Sends <paramref name="request"/> from <paramref name="local"/> (any address when null) to <paramref name="gateway"/>
    /// and returns the first datagram <paramref name="isAnswer"/> accepts, or null after the last wait.
    /// </summary>
    public static async Task<byte[]?> ExchangeAsync(IPEndPoint gateway, IPAddress? local, byte[] request, Func<byte[], bool> isAnswer,
        TimeProvider time, ILogger logger, CancellationToken ct)
    {
        using var socket = new Socket(gateway.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(local ?? (gateway.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any), 0));
        socket.Connect(gateway);
        var buffer = new byte[MaxDatagram];
        var ignored = 0;
        foreach (var wait in Waits)
        {
            await socket.SendAsync(request, SocketFlags.None, ct);
            using var timer = new CancellationTokenSource(wait, time);
            using var window = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
            try
            {
                while (true)
                {
                    int n;
                    try
                    {
                        n = await socket.ReceiveAsync(buffer, SocketFlags.None, window.Token);
                    }
                    catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
                    {
                        // ICMP port unreachable: nothing listens on the gateway's port. Another try will not change that.
                        return null;
                    }
                    var datagram = buffer.AsSpan(0, n).ToArray();
                    if (isAnswer(datagram))
                        return datagram;
                    logger.LogWarning("Port mapping: ignored a {Length}-byte datagram from {Gateway} that is not an answer", n, gateway);
                    if (++ignored >= MaxIgnored)
                        return null;
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // This try's wait is over: send again.
            }
        }
        return null;
    }
}
