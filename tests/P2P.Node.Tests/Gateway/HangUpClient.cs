using System.Net;
using System.Net.Sockets;
using System.Text;

namespace P2P.Node.Tests.Gateway;

/// <summary>
/// A raw HTTP/1.1 client that behaves as the issue-11 attacker did: a tiny receive buffer, one request, the
/// response headers read and nothing more, then the connection reset with the body unread.
/// </summary>
internal static class HangUpClient
{
    /// <summary>Sends <paramref name="request"/> (a full request head, ending in a blank line) and returns the status line.</summary>
    public static async Task<string> ReadHeadersThenResetAsync(IPEndPoint server, string request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        // Set before connecting so the window the client advertises stays small: the kernel must not read for it.
        socket.ReceiveBufferSize = 4096;
        await socket.ConnectAsync(server);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None);
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await socket.ReceiveAsync(buffer, SocketFlags.None) == 0)
                break;
            head.Append((char)buffer[0]);
        }
        // Linger 0: close sends a reset, as a client that dies or gives up does.
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
        var text = head.ToString();
        return text[..Math.Max(0, text.IndexOf("\r\n", StringComparison.Ordinal))];
    }
}
