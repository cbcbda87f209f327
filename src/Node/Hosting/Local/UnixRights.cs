using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace P2P.Node.Hosting.Local;

/// <summary>
/// Bytes with descriptors attached (SCM_RIGHTS, unix(7)) over a connected Unix stream socket: what the CLI sends its
/// request with, and what the daemon receives it with. The kernel installs each passed descriptor in the receiver as a
/// new descriptor for the same open file, with close-on-exec set (MSG_CMSG_CLOEXEC).
/// </summary>
public static unsafe class UnixRights
{
    /// <summary>
    /// Sends all of <paramref name="data"/> on a blocking socket, <paramref name="fds"/> riding on the first byte.
    /// </summary>
    public static void Send(Socket socket, ReadOnlySpan<byte> data, ReadOnlySpan<int> fds)
    {
        var space = fds.Length == 0 ? 0 : LocalNative.CmsgSpace(fds.Length * sizeof(int));
        var control = stackalloc byte[Math.Max(space, 1)];
        new Span<byte>(control, Math.Max(space, 1)).Clear();
        if (fds.Length > 0)
        {
            var header = (LocalNative.CmsgHdr*)control;
            header->Length = (nuint)(LocalNative.CmsgHeader + (fds.Length * sizeof(int)));
            header->Level = LocalNative.SolSocket;
            header->Type = LocalNative.ScmRights;
            fds.CopyTo(new Span<int>(control + LocalNative.CmsgHeader, fds.Length));
        }
        var sent = 0;
        fixed (byte* start = data)
        {
            while (sent < data.Length)
            {
                var iov = new LocalNative.IoVec { Base = start + sent, Length = (nuint)(data.Length - sent) };
                var message = new LocalNative.MsgHdr { Iov = &iov, IovLength = 1 };
                if (sent == 0 && space > 0)
                {
                    message.Control = control;
                    message.ControlLength = (nuint)space;
                }
                var n = LocalNative.sendmsg((int)socket.Handle, &message, LocalNative.MsgNoSignal);
                if (n >= 0)
                {
                    sent += (int)n;
                    continue;
                }
                var errno = Marshal.GetLastPInvokeError();
                if (errno != LocalNative.Eintr)
                    throw new SocketException(errno);
            }
        }
    }

    /// <summary>
    /// One receive on a socket whose data is already waiting (never blocks: MSG_DONTWAIT). Descriptors that came with
    /// it are appended to <paramref name="fds"/>; room is made for one more than <paramref name="maxFds"/> so that a
    /// sender passing too many is seen (and the caller closes them all). Returns the byte count, 0 at end of stream,
    /// or -1 when nothing was waiting after all; <paramref name="truncated"/> says the kernel dropped descriptors.
    /// </summary>
    public static int ReceiveNow(Socket socket, Span<byte> buffer, List<int> fds, int maxFds, out bool truncated)
    {
        var space = LocalNative.CmsgSpace((maxFds + 1) * sizeof(int));
        var control = stackalloc byte[space];
        new Span<byte>(control, space).Clear();
        fixed (byte* start = buffer)
        {
            while (true)
            {
                var iov = new LocalNative.IoVec { Base = start, Length = (nuint)buffer.Length };
                var message = new LocalNative.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)space };
                var n = LocalNative.recvmsg((int)socket.Handle, &message, LocalNative.MsgDontWait | LocalNative.MsgCmsgCloexec);
                if (n < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == LocalNative.Eintr)
                        continue;
                    if (errno == LocalNative.Eagain)
                    {
                        truncated = false;
                        return -1;
                    }
                    throw new SocketException(errno);
                }
                truncated = (message.Flags & LocalNative.MsgCtrunc) != 0;
                Collect(control, message.ControlLength, fds);
                return (int)n;
            }
        }
    }

    /// <summary>Walks the control messages (CMSG_FIRSTHDR/CMSG_NXTHDR) and takes every SCM_RIGHTS descriptor.</summary>
    private static void Collect(byte* control, nuint length, List<int> fds)
    {
        var offset = 0;
        while (offset + LocalNative.CmsgHeader <= (int)length)
        {
            var header = (LocalNative.CmsgHdr*)(control + offset);
            var size = (int)header->Length;
            if (size < LocalNative.CmsgHeader || offset + size > (int)length)
                return;
            if (header->Level == LocalNative.SolSocket && header->Type == LocalNative.ScmRights)
            {
                var count = (size - LocalNative.CmsgHeader) / sizeof(int);
                fds.AddRange(new ReadOnlySpan<int>(control + offset + LocalNative.CmsgHeader, count));
            }
            offset += LocalNative.CmsgSpace(size - LocalNative.CmsgHeader);
        }
    }

    /// <summary>Closes descriptors that were received but will not be used (a refused or malformed request).</summary>
    public static void CloseAll(List<int> fds)
    {
        foreach (var fd in fds)
            _ = LocalNative.close(fd);
        fds.Clear();
    }

    /// <summary>The peer's uid (SO_PEERCRED: struct ucred { pid, uid, gid }), as the kernel recorded it at connect.</summary>
    public static uint PeerUid(Socket socket)
    {
        Span<byte> credentials = stackalloc byte[12];
        socket.GetRawSocketOption(LocalNative.SolSocket, LocalNative.SoPeerCred, credentials);
        return BitConverter.ToUInt32(credentials[4..8]);
    }

    /// <summary>This process's effective uid.</summary>
    public static uint OwnUid() => LocalNative.geteuid();

    /// <summary>Whether this platform can pass descriptors (64-bit Linux).</summary>
    public static bool Supported => LocalNative.Supported;
}
