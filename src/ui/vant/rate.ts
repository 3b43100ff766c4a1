import 'vant/es/style/base.css'
import 'vant/es/badge/index.css'
import 'vant/es/icon/index.css'
import 'vant/es/rate/index.css'

export { Rate as VanRate } from 'vant'
