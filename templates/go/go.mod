module example.com/my-atproto-service

go 1.22
