"""Name lists for the synthetic province: plain words, so the data reads like a register of West Java.

No real person is meant; names are drawn at random from common given names.
"""

PEREMPUAN = (
    "Siti", "Dewi", "Ratna", "Rina", "Yuli", "Euis", "Neneng", "Iis", "Ai", "Eneng", "Imas", "Lilis", "Nining",
    "Tati", "Entin", "Cucu", "Dede", "Yanti", "Wulan", "Rani", "Sri", "Nurul", "Fitri", "Intan", "Nia", "Rika",
    "Ayu", "Putri", "Lestari", "Kartika", "Anisa", "Indah", "Novi", "Mega", "Desi", "Reni", "Wida", "Teti", "Ela",
    "Heni", "Yeni", "Nur", "Asih", "Cici", "Elis", "Ika", "Lina", "Maya", "Nenden", "Popon", "Rosita", "Santi",
    "Tita", "Uun", "Vina", "Winda", "Yayah", "Zahra", "Aulia", "Salsabila", "Nabila", "Rahmawati", "Kurniasih",
)
BELAKANG = (
    "Nurhayati", "Rahmawati", "Kurniasih", "Suryani", "Hidayah", "Lestari", "Permatasari", "Mulyani", "Handayani",
    "Setiawati", "Rostiana", "Komalasari", "Sumarni", "Herawati", "Susilawati", "Maryati", "Jubaedah", "Aisyah",
    "Fauziah", "Nurjanah", "Sopiah", "Hasanah", "Rohmah", "Sulastri", "Wahyuni", "Yuliani", "Agustina", "Anggraeni",
    "Pratiwi", "Safitri", "Ramadhani", "Purnamasari", "Kusumawati", "Rahayu", "Sundari", "Marlina", "Oktaviani",
)
DUKUN = (
    "Icih", "Onah", "Eha", "Enok", "Iyah", "Omah", "Acih", "Ecin", "Emin", "Enah", "Ijah", "Kokom", "Mumun", "Odah",
    "Oneng", "Uyah", "Aah", "Eem", "Enung", "Ikah", "Juju", "Oom", "Titin", "Upit", "Atikah", "Saodah", "Maemunah",
    "Halimah", "Rukmini", "Karsih", "Wasih", "Tarsih", "Darsih", "Warsinah",
)
SEBUTAN_DUKUN = ("Mak", "Ma", "Nini", "Bi", "Ibu")
LAKI = (
    "Asep", "Ujang", "Dadang", "Cecep", "Dedi", "Agus", "Budi", "Yayat", "Endang", "Hendra", "Iwan", "Jajang",
    "Kusnadi", "Maman", "Nana", "Ohim", "Rudi", "Tatang", "Ucup", "Wawan", "Yusuf", "Ahmad", "Deden", "Engkus",
)
JALAN = ("Jl. Raya", "Jl. Merdeka", "Jl. Pasar", "Jl. Siliwangi", "Jl. Pahlawan", "Jl. Sukajadi", "Jl. Cempaka",
         "Jl. Melati", "Jl. Mawar", "Jl. Kenanga", "Jl. Veteran", "Jl. Ahmad Yani")
MATERI = (
    "Pembagian peran bidan dan dukun", "Tanda bahaya kehamilan dan persalinan", "Perawatan bayi baru lahir",
    "Rujukan ibu hamil ke bidan", "Evaluasi persalinan bulan lalu", "Pembagian jasa persalinan",
    "Perawatan ibu nifas", "Kajian kasus kematian neonatal", "Persiapan persalinan (P4K)",
)
TINDAK_LANJUT = (
    "Mendata ulang ibu hamil di desa binaan", "Kunjungan rumah ke ibu hamil risiko tinggi",
    "Menyampaikan daftar dukun kepada Kepala Desa", "Menyiapkan ambulans desa untuk rujukan",
    "Memperbarui kesepakatan tertulis bidan–dukun", "Menyosialisasikan tanda bahaya di Posyandu",
    "Membayar jasa dukun yang tertunda", "Mengajak dukun yang belum bermitra ke pertemuan berikutnya",
)
TOPIK_PELATIHAN = (
    "Penyegaran kemitraan bidan dan dukun", "Perawatan bayi baru lahir untuk dukun", "Pengenalan tanda bahaya",
    "Magang dukun di Puskesmas", "Pencatatan PWS-KIA",
)
